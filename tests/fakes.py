"""Local fakes of third-party endpoints, as real servers on 127.0.0.1 that the code talks to
over the wire: an SMS-gateway HTTP API, a partner's webhook receiver, an SMTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import free_port, wait_until

REPO_ROOT = Path(__file__).resolve().parent.parent


class HttpFake:
    """Records every POST; answers ``status`` (settable while running)."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                answer = json.dumps({"id": f"fake-{len(fake.requests)}"}).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpFake:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def json_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests]


SMTP_SCRIPT = """
import sys, time, pathlib
from aiosmtpd.controller import Controller
folder = pathlib.Path(sys.argv[2])
class Keep:
    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}.eml"
        (folder / (name + ".part")).write_bytes(envelope.original_content)
        (folder / (name + ".part")).rename(folder / name)
        return "250 OK"
controller = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


class SmtpFake:
    """aiosmtpd in a process of its own (asyncio, away from the tests' eventlet), keeping each
    message it receives as a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> SmtpFake:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-c", SMTP_SCRIPT, str(self.port), str(self.folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        assert self.process.stdout.readline().strip() == b"ready"
        return self

    def __exit__(self, *exc: Any) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def messages(self) -> list[Any]:
        return [
            BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            for path in sorted(self.folder.glob("*.eml"))
        ]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Any]:
        return wait_until(
            lambda: len(self.messages()) >= count and self.messages(), timeout, what="e-mail"
        )
