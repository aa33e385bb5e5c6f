"""What the command line says when a command cannot do its work: one line, no traceback.

An operator typing ``khuyenhoc fund reconcile 99`` or running a command while MongoDB is down
needs the reason and an exit status, not a Python traceback. A province argument is checked
before any command runs: it must be a province of the directory and, for a command acting on a
province's data, one this deployment serves (``KHUYENHOC_TENANTS``).
``KHUYENHOC_DEBUG=1`` shows the traceback of an unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import yaml
from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError as BrokerError
from pymongo.errors import ConnectionFailure, PyMongoError

from khuyenhoc.config import ConfigError, load_config, tenants
from services.registration.directory.source import SCHEMES, UnknownProvince, province_codes

EXPECTED, UNEXPECTED = 1, 70  # 70: EX_SOFTWARE, a fault of the program rather than the input
ALL = "all"
# Commands whose province argument names units to load, not a province's data.
_LOADERS = {("directory", "load")}


class CommandError(Exception):
    """An expected failure, said to the operator in one line."""


def known_provinces() -> frozenset[str]:
    """Every province code of every directory scheme (63 before, 34 after 1 July 2025)."""
    return frozenset(code for scheme in SCHEMES for code, _ in province_codes(scheme))


def check_province(args: argparse.Namespace) -> None:
    """Refuse a ``tenant``/``province`` argument naming no province, or one not served here."""
    code = getattr(args, "tenant", None) or getattr(args, "province", None)
    if code is None:
        return
    text = str(code).strip()
    loader = (args.command, getattr(args, "action", None)) in _LOADERS
    if loader and text == ALL:
        return
    if text not in known_provinces():
        raise CommandError(
            f"không có tỉnh/thành phố nào mã {text!r} (mã tỉnh gồm 2 chữ số, ví dụ 20 là Lạng Sơn)"
        )
    if loader:
        return
    served = tenants(load_config(getattr(args, "config", None)))
    if text not in served:
        raise CommandError(
            f"tỉnh {text} không thuộc hệ thống này (KHUYENHOC_TENANTS: "
            f"{', '.join(sorted(served)) or 'trống'})"
        )


def where(uri: Any) -> str:
    """host:port of a connection URI, without the user name and password it may carry."""
    try:
        parts = urlsplit(str(uri))
        return parts.hostname and f"{parts.hostname}:{parts.port or ''}".rstrip(":") or "?"
    except ValueError:
        return "?"


def one_line(exc: BaseException, args: argparse.Namespace) -> tuple[str, int] | None:
    """(the operator's message, exit status) of an expected failure; None for a bug."""
    config = _config_quietly(args)
    if isinstance(exc, CommandError):
        return str(exc), EXPECTED
    if isinstance(exc, ConfigError):
        return f"cấu hình không dùng được: {exc}", EXPECTED
    if isinstance(exc, UnknownProvince):
        return f"không có tỉnh/thành phố này trong danh mục ({exc})", EXPECTED
    if isinstance(exc, ConnectionFailure):
        return (
            f"không kết nối được cơ sở dữ liệu MongoDB ({where(config.get('MONGO_URI'))}); "
            "hãy kiểm tra MONGO_URI và máy chủ (make run khởi động nó)",
            EXPECTED,
        )
    if isinstance(exc, PyMongoError):
        return f"cơ sở dữ liệu từ chối thao tác: {type(exc).__name__}", EXPECTED
    if isinstance(exc, BrokerError | AMQPError | ConnectionError | socket.timeout):
        return (
            f"không kết nối được RabbitMQ ({where(config.get('AMQP_URI'))}); "
            "hãy kiểm tra AMQP_URI và máy chủ RabbitMQ",
            EXPECTED,
        )
    if isinstance(exc, yaml.YAMLError):
        return f"tệp YAML không đọc được: {_first_line(exc)}", EXPECTED
    if isinstance(exc, OSError):
        name = exc.filename or ""
        return f"không đọc/ghi được tệp {name}: {exc.strerror or exc}".strip(), EXPECTED
    if isinstance(exc, LookupError | ValueError):
        return _first_line(exc), EXPECTED
    if _nameko_error(exc) in ("UnknownService", "RpcTimeout"):
        return (
            "dịch vụ cần cho lệnh này không trả lời (chưa chạy? khởi động bằng make run)",
            EXPECTED,
        )
    return None


def unexpected(exc: BaseException) -> tuple[str, int]:
    """A bug's one line, and how to see its traceback."""
    return (
        f"lỗi không mong đợi ({type(exc).__name__}: {_first_line(exc)}); "
        "chạy lại với KHUYENHOC_DEBUG=1 để xem chi tiết",
        UNEXPECTED,
    )


def _nameko_error(exc: BaseException) -> str | None:
    """The name of a nameko RPC client's error (nameko is imported by the commands using it)."""
    kind = type(exc)
    return kind.__name__ if kind.__module__.startswith("nameko") else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _config_quietly(args: argparse.Namespace) -> dict[str, Any]:
    try:
        return load_config(getattr(args, "config", None))
    except Exception:  # noqa: BLE001 - only to name hosts in a message; never raise here
        return {}


def debugging() -> bool:
    return os.environ.get("KHUYENHOC_DEBUG", "").strip() not in ("", "0")
