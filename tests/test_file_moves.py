"""Moving files on any laptop: Windows refuses to replace a file another program holds open, and
casecli tries again before it names the file (not POSIX-only: this is Windows' case above all)."""

from __future__ import annotations

import pytest


def test_a_replace_that_another_program_blocks_is_tried_again_then_named(tmp_path, monkeypatch):
    """Windows refuses to replace a file another program holds (an antivirus, Syncthing): the replace
    is tried again and succeeds the third time; held for good, one line names the file."""
    import os

    from casecli import fsutil
    from casecli.errors import FileBusy

    source, target = tmp_path / "new.tmp", tmp_path / "casecli.db.keys"
    source.write_text("new")
    target.write_text("old")
    real, tries = os.replace, []

    def held_twice(a, b):
        tries.append(b)
        if len(tries) <= 2:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        real(a, b)

    monkeypatch.setattr(fsutil, "RETRY_DELAYS", (0.001,) * 5)
    monkeypatch.setattr(os, "replace", held_twice)
    fsutil.replace_file(source, target)
    assert len(tries) == 3 and target.read_text() == "new"

    def held(a, b):
        raise PermissionError(13, "held")

    monkeypatch.setattr(os, "replace", held)
    source.write_text("newer")
    with pytest.raises(FileBusy) as refused:
        fsutil.write_private_atomic(target, b"newest")
    assert str(target) in refused.value.message and "another program" in refused.value.message
    assert target.read_text() == "new" and not list(tmp_path.glob(".casecli.db.keys.*.tmp"))
