"""``khuyenhoc``: the operator's command line."""

from __future__ import annotations

import argparse
import sys

from gateway.commands import add_commands as add_token_commands
from khuyenhoc import platform
from services.registration.commands import add_commands as add_registration_commands
from services.registration.commands import add_import_command


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="khuyenhoc", description="Nền tảng Khuyến học")
    commands = root.add_subparsers(dest="command", required=True)
    platform.add_commands(commands)
    add_registration_commands(commands)
    add_token_commands(commands)
    add_import_command(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
