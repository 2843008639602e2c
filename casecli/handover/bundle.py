"""The bundle file format: encrypted to its recipients, signed by its sender, read as a stream.

Modelled on age (C2SP age.md) and built only from `cryptography`'s primitives; see
docs/bundle-format.md. In short:

    casecli-bundle/1\\n
    {header: id, time, sender's public keys, one stanza per recipient wrapping the file key}\\n
    16-byte nonce, then the payload in 64 KiB chunks (ChaCha20-Poly1305, age's STREAM: a
    counter and a last-chunk flag in each nonce, so truncation is detected)
    \\n-- signature <base64 Ed25519 signature over SHA-256 of everything before it>\\n

The signature is checked over the whole file before any plaintext is produced.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson

from casecli.errors import BundleRejected, NotAStore
from casecli.fsutil import PRIVATE_FILE, replace_file
from casecli.i18n import _
from casecli.plaintext import file_name

MAGIC = b"casecli-bundle/1\n"
CHUNK = 64 * 1024
TAG = 16
TRAILER_PREFIX = b"\n-- signature "
TRAILER_LEN = len(TRAILER_PREFIX) + 88 + 1
MAX_HEADER = 1024 * 1024
MAX_NAME = 200  # a sender's name or agency, in characters
# No record of a case comes near this; a larger one is refused before it fills the memory (a
# compressed payload can expand a thousandfold, and it is read before the worker is asked
# whether to trust an unknown sender).
MAX_RECORD = 32 * 1024 * 1024
SIGNATURE_CONTEXT = b"casecli-bundle/1 signature\n"
BUNDLE_SUFFIX = ".bundle"
SIZE_BLANK = "0" * 16  # the header's place for the file's size, filled in when the file is complete


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    try:
        return base64.b64decode(str(text).encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise BundleRejected(_("the bundle's header is damaged")) from None


def _stanza_aad(bundle_id: str) -> bytes:
    return b"casecli-bundle/1 recipient\n" + bundle_id.encode()


def _payload_key(file_key: bytes, nonce: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(file_key)


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def refuse_existing(output: Path) -> None:
    """A bundle never replaces a file; a folder (a mailbox inbox) takes a new content-named file."""
    if output.exists() and not output.is_dir():
        from casecli.errors import InvalidInput

        raise InvalidInput(_("--output: {path} already exists; choose another file name").format(path=output))


class BundleWriter:
    """Write a bundle to `path` atomically; only ciphertext ever reaches the disk.

    Given a folder (a mailbox inbox), the file is named there by the SHA-256 of its bytes, so that
    two laptops never write the same name into a synchronised folder; until it is complete it has
    a name starting with a dot and ending in .partial, which the synchroniser is told to ignore.
    """

    def __init__(
        self,
        path: Path,
        sender: dict,
        signing_key: bytes,
        recipients: list[tuple[bytes, str]],
        passphrase: str | None = None,
        kdf: dict | None = None,
        created: str = "",
    ):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from casecli.store import sealing
        from casecli.store.keyslots import derive, kdf_params, secret_bytes

        self.path = path
        self.bundle_id = secrets.token_hex(16)
        self._signing_key = signing_key
        file_key = secrets.token_bytes(32)
        stanzas = []
        for public, identity_fingerprint in recipients:
            stanzas.append(
                {
                    "type": "x25519",
                    "recipient": identity_fingerprint,
                    **sealing.seal(public, file_key, _stanza_aad(self.bundle_id)),
                }
            )
        if passphrase is not None:
            params = kdf or kdf_params(None)
            nonce = secrets.token_bytes(12)
            sealed = AESGCM(derive(secret_bytes(passphrase), params)).encrypt(
                nonce, file_key, _stanza_aad(self.bundle_id)
            )
            stanzas.append({"type": "argon2id", "kdf": params, "nonce": _b64(nonce), "sealed": _b64(sealed)})
        if not stanzas:
            raise ValueError("a bundle needs at least one recipient")
        # What a receipt for a passphrase bundle must prove it knows (only the passphrase opens it).
        self.receipt_key = receipt_key(file_key, self.bundle_id) if passphrase is not None else None
        self.header = {
            "bundle": 1,
            "id": self.bundle_id,
            "created": created,
            "sender": sender,
            "recipients": stanzas,
            # `size`: the whole file's bytes, written in place of these digits when it is complete,
            # so a reader can tell a cut-off or padded file from its header without reading on.
            "payload": {
                "cipher": "chacha20-poly1305-stream",
                "chunk": CHUNK,
                "compression": "zlib",
                "size": SIZE_BLANK,
            },
        }
        self.name_by_content = path.is_dir()
        if self.name_by_content:  # an inbox: this sender's own unfinished files are named as theirs
            mine = f".casecli-{hashlib.sha256(str(sender.get('signing_public', '')).encode()).hexdigest()[:8]}-"
            remove_stale_partials(path, mine)
            fd, tmp = tempfile.mkstemp(dir=path, prefix=mine, suffix=".partial")
        else:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE)
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        nonce = secrets.token_bytes(16)
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        self._aead = ChaCha20Poly1305(_payload_key(file_key, nonce))
        self._counter = 0
        self._buffer = bytearray()
        self._raw(MAGIC + json.dumps(self.header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + nonce)

    def _raw(self, data: bytes) -> None:
        self._file.write(data)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one chunk back: the last one carries the flag
            self._raw(self._aead.encrypt(_chunk_nonce(self._counter, False), bytes(self._buffer[:CHUNK]), None))
            del self._buffer[:CHUNK]
            self._counter += 1

    def close(self) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._raw(self._aead.encrypt(_chunk_nonce(self._counter, True), bytes(self._buffer), None))
        payload_end = self._file.tell()
        self._file.flush()
        # The size in the header's place for it, then the signature over the whole of it: the
        # file is read back once (from the page cache) to hash it as it now is.
        with open(self._tmp, "r+b") as handle:
            head = handle.read(MAX_HEADER + len(MAGIC))
            at = head.index(f'"size":"{SIZE_BLANK}"'.encode()) + len('"size":"')  # the field, not any zeros
            handle.seek(at)
            handle.write(f"{payload_end + TRAILER_LEN:0{len(SIZE_BLANK)}d}".encode())
            handle.seek(0)
            digest, content = hashlib.sha256(), hashlib.sha256()
            remaining = payload_end
            while remaining:
                block = handle.read(min(remaining, 1 << 20))
                digest.update(block)
                content.update(block)
                remaining -= len(block)
        signature = Ed25519PrivateKey.from_private_bytes(self._signing_key).sign(SIGNATURE_CONTEXT + digest.digest())
        trailer = TRAILER_PREFIX + _b64(signature).encode() + b"\n"
        self._file.write(trailer)
        content.update(trailer)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        if self.name_by_content:
            self.path = self.path / f"{content.hexdigest()}{BUNDLE_SUFFIX}"
        replace_file(self._tmp, self.path)

    def abort(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)


STALE_PARTIAL_SECONDS = 24 * 3600  # a bundle still being written is never this old


def remove_stale_partials(folder: Path, prefix: str) -> int:
    """Remove this sender's files left unfinished in `folder` (a write cut off) once a day old:
    the next bundle of the same sender into the same inbox owns and clears them."""
    import time

    gone = 0
    now = time.time()
    with os.scandir(folder) as items:
        for item in items:
            if not (item.name.startswith(prefix) and item.name.endswith(".partial")):
                continue
            if not item.is_file(follow_symlinks=False):
                continue
            if now - item.stat(follow_symlinks=False).st_mtime > STALE_PARTIAL_SECONDS:
                Path(item.path).unlink(missing_ok=True)
                gone += 1
    return gone


class BundleReader:
    """Parse and check a bundle; plaintext is only produced after the signature is verified."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = file_name(self.path)  # as a person may see it: whatever bytes the folder brought
        try:
            self.size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                start = handle.read(len(MAGIC))
                if start != MAGIC:
                    if start.startswith(b"casecli-bundle/"):
                        raise BundleRejected(
                            _("{file}: bundle version {version} is not supported by this casecli").format(
                                file=self.name, version=start.decode(errors="replace").strip()
                            )
                        )
                    raise BundleRejected(_("{file} is not a casecli bundle").format(file=self.name))
                line = handle.readline(MAX_HEADER)
        except OSError as exc:
            raise BundleRejected(
                _("{file}: cannot read it ({reason})").format(file=self.name, reason=exc.strerror)
            ) from None
        if not line.endswith(b"\n"):
            raise BundleRejected(_("{file}: the bundle's header is damaged or cut off").format(file=self.name))
        try:
            self.header = json.loads(line)
            # Every field of the header in the shape casecli writes, or refused here: the header is
            # read before the signature is checked, from anyone who can write into the folder.
            if not isinstance(self.header, dict) or not isinstance(self.header.get("sender"), dict):
                raise ValueError("not a header")
            self.bundle_id = self.header["id"]
            sender = self.header["sender"]
            self.sender_name, self.sender_agency = sender["name"], sender["agency"]
            self.sender_encryption = _unb64(sender["encryption_public"])
            self.sender_signing = _unb64(sender["signing_public"])
            self.stanzas = self.header["recipients"]
            if not (
                isinstance(self.bundle_id, str)
                and 0 < len(self.bundle_id) <= 64
                and self.bundle_id.isascii()
                and self.bundle_id.isalnum()
                and isinstance(self.sender_name, str)
                and isinstance(self.sender_agency, str)
                and len(self.sender_name) <= MAX_NAME
                and len(self.sender_agency) <= MAX_NAME
                and isinstance(self.stanzas, list)
                and 0 < len(self.stanzas) <= 64
                and all(isinstance(s, dict) and isinstance(s.get("type"), str) for s in self.stanzas)
                and all(isinstance(s.get("recipient", ""), str) for s in self.stanzas)
                and isinstance(self.header.get("created", ""), str)
                and isinstance(self.header.get("payload"), dict)
            ):
                raise ValueError("header fields not in their shape or past their limits")
        except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested too deep to read
            raise BundleRejected(_("{file}: the bundle's header is damaged").format(file=self.name)) from None
        if self.header.get("bundle") != 1 or self.header["payload"].get("chunk") != CHUNK:
            raise BundleRejected(
                _("{file}: this bundle version is not supported by this casecli").format(file=self.name)
            )
        declared = self.header["payload"].get("size")
        if declared is not None and (
            not isinstance(declared, str) or not declared.isdigit() or int(declared) != self.size
        ):
            raise BundleRejected(
                _("{file}: its size ({size} bytes) disagrees with its header: cut off, padded or altered").format(
                    file=self.name, size=self.size
                )
            )
        self.payload_start = len(MAGIC) + len(line)
        self.payload_end = self.size - TRAILER_LEN
        if self.payload_end < self.payload_start + 16 + TAG:
            raise BundleRejected(_("{file}: the bundle is cut off (truncated)").format(file=self.name))
        self._verified = False

    @property
    def fingerprint(self) -> str:
        from casecli.handover.identity import fingerprint

        return fingerprint(self.sender_encryption, self.sender_signing)

    def recipients(self) -> list[str]:
        return [s.get("recipient", "passphrase") if s.get("type") == "x25519" else "passphrase" for s in self.stanzas]

    def verify(self) -> None:
        """Check the sender's signature over the whole file (one streaming pass)."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            remaining = self.payload_end
            while remaining:
                block = handle.read(min(remaining, 1 << 20))
                if not block:
                    raise BundleRejected(_("{file}: the bundle is cut off (truncated)").format(file=self.name))
                digest.update(block)
                remaining -= len(block)
            trailer = handle.read()
        if len(trailer) != TRAILER_LEN or not trailer.startswith(TRAILER_PREFIX) or not trailer.endswith(b"\n"):
            raise BundleRejected(
                _("{file}: the bundle's signature is missing or the file is cut off").format(file=self.name)
            )
        try:
            signature = base64.b64decode(trailer[len(TRAILER_PREFIX) : -1], validate=True)
            Ed25519PublicKey.from_public_bytes(self.sender_signing).verify(
                signature, SIGNATURE_CONTEXT + digest.digest()
            )
        except (ValueError, InvalidSignature):
            raise BundleRejected(
                _("{file}: the signature does not match: the bundle was altered, or not signed by its sender").format(
                    file=self.name
                )
            ) from None
        self._verified = True

    def file_key(
        self, encryption_private: bytes | None, my_fingerprint: str = "", passphrase: str | None = None
    ) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        from casecli.store import sealing
        from casecli.store.keyslots import derive, secret_bytes

        aad = _stanza_aad(self.bundle_id)
        if encryption_private is not None:
            for stanza in self.stanzas:
                if stanza.get("type") == "x25519" and stanza.get("recipient") == my_fingerprint:
                    key = sealing.open_sealed(encryption_private, stanza, aad)
                    if key is None or len(key) != 32:
                        raise BundleRejected(_("{file}: the part addressed to you is damaged").format(file=self.name))
                    return key
        if passphrase is not None:
            for stanza in self.stanzas:
                if stanza.get("type") == "argon2id":
                    try:
                        key = AESGCM(derive(secret_bytes(passphrase), stanza["kdf"])).decrypt(
                            _unb64(stanza["nonce"]), _unb64(stanza["sealed"]), aad
                        )
                    except (InvalidTag, KeyError, TypeError, ValueError):
                        raise BundleRejected(_("{file}: wrong bundle passphrase").format(file=self.name)) from None
                    except NotAStore:  # a key derivation casecli never writes: refused before any work
                        raise BundleRejected(
                            _("{file}: the bundle's passphrase part is damaged or altered").format(file=self.name)
                        ) from None
                    return key
        keyed = [r for r in self.recipients() if r != "passphrase"]
        if "passphrase" in self.recipients():
            raise BundleRejected(
                _("{file} is protected by a passphrase: give --passphrase-file FILE (or type it when asked)").format(
                    file=self.name
                )
            )
        raise BundleRejected(
            _("{file} is not for you: it is for {recipients} (check `casecli identity`)").format(
                file=self.name, recipients=", ".join(keyed)
            )
        )

    def plaintext(self, file_key: bytes) -> Iterator[bytes]:
        """The decompressed payload, block by block; every chunk is authenticated first."""
        import zlib

        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        if not self._verified:
            raise RuntimeError("verify() first")
        inflate = zlib.decompressobj()
        with self.path.open("rb") as handle:
            handle.seek(self.payload_start)
            aead = ChaCha20Poly1305(_payload_key(file_key, handle.read(16)))
            position, counter = self.payload_start + 16, 0
            while position < self.payload_end:
                size = min(CHUNK + TAG, self.payload_end - position)
                sealed = handle.read(size)
                position += size
                last = position >= self.payload_end
                try:
                    chunk = aead.decrypt(_chunk_nonce(counter, last), sealed, None)
                except InvalidTag:
                    raise BundleRejected(
                        _("{file}: the payload is damaged or cut off").format(file=self.name)
                    ) from None
                counter += 1
                if inflate.eof and chunk:  # more after the end of the compressed payload: not what was signed for
                    raise BundleRejected(_("{file}: the payload has data after its end").format(file=self.name))
                try:
                    yield inflate.decompress(chunk)
                except zlib.error:
                    raise BundleRejected(_("{file}: the payload is damaged").format(file=self.name)) from None
            if not inflate.eof:
                raise BundleRejected(_("{file}: the payload is cut off").format(file=self.name))
            if inflate.unused_data:
                raise BundleRejected(_("{file}: the payload has data after its end").format(file=self.name))

    def lines(self, file_key: bytes) -> Iterator[dict]:
        pending = b""
        for block in self.plaintext(file_key):
            pending += block
            *complete, pending = pending.split(b"\n")
            for line in (*complete, pending):
                if len(line) > MAX_RECORD:
                    raise BundleRejected(_("{file}: a record in the payload is too large").format(file=self.name))
            for line in complete:
                yield _record(line, self.name)
        if pending.strip():
            yield _record(pending, self.name)


def _record(line: bytes, name: str) -> dict:
    try:
        # orjson: what json.loads accepts and casecli writes, in half the time; stricter (no NaN,
        # no lone surrogate, no integer beyond 64 bits, nesting bounded), never looser
        record = orjson.loads(line)
    except (ValueError, RecursionError):  # not JSON, a number too long to read, or nested too deep
        raise BundleRejected(_("{file}: a record in the payload is not valid JSON").format(file=name)) from None
    if not isinstance(record, dict):
        raise BundleRejected(_("{file}: a record in the payload is not an object").format(file=name))
    return record


class PayloadWriter:
    """JSON lines, compressed, into a BundleWriter."""

    def __init__(self, writer: BundleWriter):
        import zlib

        self.writer = writer
        self.deflate = zlib.compressobj(6)

    def record(self, record: dict) -> None:
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_bytes).encode() + b"\n"
        self.writer.write(self.deflate.compress(data))

    def close(self) -> None:
        self.writer.write(self.deflate.flush())
        self.writer.close()


def _bytes(value: object) -> dict[str, str]:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": _b64(bytes(value))}
    raise TypeError(type(value).__name__)


def receipt_key(file_key: bytes, bundle_id: str) -> bytes:
    """The key a receipt's proof is made with: known to whoever opened the bundle (and to its
    sender), derived apart from every other use of the file key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"casecli receipt proof\n" + bundle_id.encode()
    ).derive(file_key)
