"""A stand-in for a Primero server's case API on loopback: it takes `POST /api/v2/cases` and
`PATCH /api/v2/cases/ID` with `{"data": {...}}`, checks the bearer token, validates each payload
against a case schema with `jsonschema` (as Primero validates against its configuration's), and
answers as Primero does (200, 401, 404, 409, 422 with `{"errors": [...]}`)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandIn:
    def __init__(self, schema: dict, token: str):
        from jsonschema import Draft202012Validator

        self.validator = Draft202012Validator(schema)
        self.token = token
        self.cases: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _payload(self):
                owner.requests.append((self.command, self.path))
                if self.headers.get("Authorization") != f"Bearer {owner.token}":
                    self._answer(401, {"errors": [{"status": 401, "message": "Unauthorized"}]})
                    return None
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length)).get("data")
                errors = [
                    {
                        "status": 422,
                        "resource": self.path,
                        "detail": "/".join(map(str, e.absolute_path)),
                        "message": e.message,
                    }
                    for e in owner.validator.iter_errors(data)
                ]
                if errors:
                    self._answer(422, {"errors": errors})
                    return None
                return data

            def do_POST(self):
                if self.path != "/api/v2/cases":
                    self._answer(404, {"errors": [{"status": 404, "message": "Not Found"}]})
                    return
                data = self._payload()
                if data is None:
                    return
                if data["id"] in owner.cases:
                    self._answer(409, {"errors": [{"status": 409, "message": "Conflict: record exists"}]})
                    return
                owner.cases[data["id"]] = data
                self._answer(200, {"data": data})

            def do_PATCH(self):
                found = self.path.removeprefix("/api/v2/cases/")
                data = self._payload()
                if data is None:
                    return
                if found not in owner.cases:
                    self._answer(404, {"errors": [{"status": 404, "message": "Not Found"}]})
                    return
                owner.cases[found] = {**owner.cases[found], **data}
                self._answer(200, {"data": owner.cases[found]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
