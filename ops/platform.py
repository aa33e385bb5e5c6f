"""Run the whole platform on one machine: ``khuyenhoc platform up`` / ``down``.

Starts the embedded MongoDB-compatible server (unless ``MONGO_URI`` names one), loads the demo
province, starts the four services and the gateway as their own processes, and waits for every
``/health``. Each process is recorded by pid file and stopped by that pid only (checked against
its command line, so a recycled pid is never signalled). Running ``up`` twice starts nothing new.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khuyenhoc.auth import Role
from khuyenhoc.config import DEFAULT_CONFIG_PATH, DEVELOPMENT, REPO_ROOT, load_config
from ops.accounts import create_admin_command
from ops.tokens import create_token
from services.registration.commands import load_directory

NX_BINARY = REPO_ROOT / ".venv-nx" / "bin" / "nx-27017"


@dataclass(frozen=True)
class Process:
    name: str
    target: str  # nameko "module:Class"
    port_offset: int


SERVICES = (
    Process("registration", "services.registration.entrypoint:RegistrationService", 1),
    Process("scoring", "services.scoring.entrypoint:ScoringService", 2),
    Process("fund", "services.fund.entrypoint:FundService", 3),
    Process("notification", "services.notification.entrypoint:NotificationService", 4),
    Process("gateway", "gateway.entrypoint:GatewayService", 0),
)


class PlatformError(RuntimeError):
    pass


@dataclass
class Platform:
    """One running copy of the platform; tests start their own on other ports and directories."""

    run_dir: Path = REPO_ROOT / ".run"
    data_dir: Path = REPO_ROOT / ".data"
    base_port: int = 8000
    mongo_port: int = 27017
    env: dict[str, str] = field(default_factory=dict)  # overrides of AMQP_URI, MONGO_URI, ...

    @property
    def logs(self) -> Path:
        return self.run_dir / "logs"

    def port(self, process: Process) -> int:
        return self.base_port + process.port_offset

    def url(self, process: Process, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port(process)}{path}"

    @property
    def gateway(self) -> Process:
        return SERVICES[-1]

    def settings(self) -> dict[str, str]:
        """The processes' environment; a developer's machine unless said otherwise, so the
        published development keys of deploy/config.yaml are accepted (khuyenhoc.secret_keys)."""
        merged = {"KHUYENHOC_ENV": DEVELOPMENT, **os.environ, **self.env}
        if not merged.get("MONGO_URI"):
            merged["MONGO_URI"] = f"mongodb://127.0.0.1:{self.mongo_port}"
        return merged

    # -- up ---------------------------------------------------------------------------------

    def up(self, demo_province: str | None = "20", quiet: bool = False) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._ensure_mongo()
        config = load_config(DEFAULT_CONFIG_PATH, self.settings())
        if demo_province:
            scheme = str(config.get("DIRECTORY_SCHEME", "2024"))
            units, _ = load_directory(config, demo_province, scheme, show_progress=not quiet)
            _say(quiet, f"directory: {units} units of province {demo_province} ({scheme})")
        for process in SERVICES:
            self._start(process)
        for process in SERVICES:
            self._wait_healthy(process)
        _say(quiet, f"ready in {time.monotonic() - started:.1f}s")

    def _ensure_mongo(self) -> None:
        if self.env.get("MONGO_URI") or os.environ.get("MONGO_URI"):
            return  # an external MongoDB was named
        pid_file = self.run_dir / "nx-27017.pid"
        if _running(pid_file, "nx-27017"):
            return
        if _port_open(self.mongo_port):
            raise PlatformError(
                f"port {self.mongo_port} is taken by a process this platform did not start; "
                "stop it, or set MONGO_URI to use it"
            )
        if not NX_BINARY.exists():
            raise PlatformError("nx-27017 is not installed: run scripts/setup.sh (make setup)")
        data = self.data_dir / "mongo"
        data.mkdir(parents=True, exist_ok=True)
        command = [
            str(NX_BINARY),
            "--data-dir",
            str(data),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.mongo_port),
            "--log-file",
            str(self.logs / "nx-27017.log"),
            "--pid-file",
            str(self.run_dir / "nx-27017.internal.pid"),
        ]
        _spawn(command, pid_file, self.logs / "nx-27017.out", self.settings())
        _wait_for(
            lambda: _port_open(self.mongo_port),
            30,
            f"nx-27017 on port {self.mongo_port}",
            self.logs / "nx-27017.out",
        )

    def _start(self, process: Process) -> None:
        pid_file = self.run_dir / f"{process.name}.pid"
        if _running(pid_file, process.target):
            return
        env = {**self.settings(), "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port(process)}"}
        command = [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            str(DEFAULT_CONFIG_PATH),
            process.target,
        ]
        _spawn(command, pid_file, self.logs / f"{process.name}.log", env)

    def _wait_healthy(self, process: Process) -> None:
        pid_file = self.run_dir / f"{process.name}.pid"
        log = self.logs / f"{process.name}.log"

        def healthy() -> bool:
            if not _running(pid_file, process.target):
                raise PlatformError(f"{process.name} exited:\n{_tail(log)}")
            return _http_ok(self.url(process, "/health"))

        _wait_for(healthy, 90, f"{process.name} /health", log)

    # -- down -------------------------------------------------------------------------------

    def down(self) -> list[str]:
        """Stop what this platform started (services first, the database last)."""
        stopped = []
        markers = [(p.name, p.target) for p in SERVICES] + [("nx-27017", "nx-27017")]
        for name, marker in markers:
            if _stop(self.run_dir / f"{name}.pid", marker):
                stopped.append(name)
        return stopped

    def status(self) -> dict[str, bool]:
        names = [(p.name, p.target) for p in SERVICES] + [("nx-27017", "nx-27017")]
        return {name: _running(self.run_dir / f"{name}.pid", marker) for name, marker in names}

    def describe(self) -> str:
        gateway = self.gateway
        lines = [
            "Nền tảng Khuyến học is ready.",
            f"  GraphQL (GraphiQL in a browser): {self.url(gateway, '/graphql')}",
            "  Health / metrics:",
            *(
                f"    {p.name:<13} {self.url(p, '/health')}  {self.url(p, '/metrics')}"
                for p in SERVICES
            ),
            f"  MongoDB: {self.settings()['MONGO_URI']}",
            f"  Logs: {self.logs}/",
            "  Stop with: make stop",
        ]
        return "\n".join(lines)

    def demo_token_hint(self, province: str) -> str:
        """A province-admin token for the demo, to paste into GraphiQL's headers."""
        return (
            f"  Demo token (province admin of {province}, 8 hours); in GraphiQL's Headers tab:\n"
            f'    {{"Authorization": "Bearer {_demo_token(self, province)}"}}\n'
            "  More tokens: .venv/bin/khuyenhoc token create --help\n"
            "  Accounts and sign-in (signIn in GraphiQL): create the first province admin with\n"
            f"    {create_admin_command(province)}"
        )


def _demo_token(platform: Platform, province: str) -> str:
    config = load_config(DEFAULT_CONFIG_PATH, platform.settings())
    return create_token(config, province, province, Role.PROVINCE_ADMIN, "demo", hours=8)


# -- process helpers ------------------------------------------------------------------------


def _spawn(command: list[str], pid_file: Path, log: Path, env: dict[str, str]) -> None:
    with open(log, "ab") as out:
        child = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
    pid_file.write_text(str(child.pid))


def _pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _running(pid_file: Path, marker: str) -> bool:
    """True when the recorded pid is alive *and* is still the process we started."""
    pid = _pid(pid_file)
    if pid is None:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (OSError, IndexError):
        return False
    return marker in cmdline and state != "Z"


def _stop(pid_file: Path, marker: str, grace: float = 15.0) -> bool:
    pid = _pid(pid_file)
    if pid is None or not _running(pid_file, marker):
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _running(pid_file, marker):
        _reap(pid)
        time.sleep(0.1)
    if _running(pid_file, marker):
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        _reap(pid)
    pid_file.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_for(check: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise PlatformError(f"timed out waiting for {what}; last log lines:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


# -- command line ---------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    platform = subparsers.add_parser("platform", help="run the whole platform on this machine")
    actions = platform.add_subparsers(dest="action", required=True)
    up = actions.add_parser("up", help="start everything and wait until it is healthy")
    up.add_argument("--demo", default="20", help="province to load as demo ('' for none)")
    up.set_defaults(handler=_up)
    actions.add_parser("down", help="stop what 'up' started").set_defaults(handler=_down)
    actions.add_parser("status", help="what is running").set_defaults(handler=_status)


def _up(args: argparse.Namespace) -> int:
    platform = Platform()
    try:
        platform.up(demo_province=args.demo or None)
    except PlatformError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(platform.describe())
    if args.demo:
        print(platform.demo_token_hint(args.demo))
    return 0


def _down(args: argparse.Namespace) -> int:
    stopped = Platform().down()
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def _status(args: argparse.Namespace) -> int:
    for name, running in Platform().status().items():
        print(f"{name:<13} {'running' if running else 'stopped'}")
    return 0
