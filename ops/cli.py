"""``khuyenhoc``: the operator's command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from khuyenhoc import deadletters
from khuyenhoc.config import load_config
from ops import platform
from ops.accounts import add_commands as add_account_commands
from ops.cli_errors import check_province, debugging, one_line, unexpected
from ops.schema import add_commands as add_schema_commands
from ops.tokens import add_commands as add_token_commands
from services.fund.commands import add_commands as add_fund_commands
from services.notification.commands import add_commands as add_notification_commands
from services.registration.commands import add_commands as add_registration_commands
from services.registration.commands import add_import_command
from services.scoring.commands import add_commands as add_criteria_commands


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="khuyenhoc", description="Nền tảng Khuyến học")
    commands = root.add_subparsers(dest="command", required=True)
    platform.add_commands(commands)
    add_registration_commands(commands)
    add_token_commands(commands)
    add_import_command(commands)
    add_dead_letter_commands(commands)
    add_notification_commands(commands)
    add_fund_commands(commands)
    add_criteria_commands(commands)
    add_schema_commands(commands)
    add_account_commands(commands)
    return root


def add_dead_letter_commands(commands: Any) -> None:
    parser = commands.add_parser("dead-letters", help="messages a service could not process")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, helptext in (
        ("list", "show them, with the reason"),
        ("replay", "send them back to their exchange, after a fix"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("service", choices=["registration", "scoring", "fund", "notification"])
        action.add_argument("--limit", type=int, default=100)
        action.add_argument("--config", default=None)
        action.set_defaults(handler=_dead_letters)


def _dead_letters(args: argparse.Namespace) -> int:
    amqp_uri = load_config(args.config)["AMQP_URI"]
    if args.action == "list":
        letters = deadletters.peek(amqp_uri, args.service, args.limit)
        for letter in letters:
            print(f"{letter.failed_at}  {letter.exchange}/{letter.routing_key}  {letter.reason}")
        print(f"{len(letters)} thư chết trong dlq.{args.service}.")
        return 0
    replayed, kept = deadletters.replay(amqp_uri, args.service, args.limit)
    print(f"Đã gửi lại {replayed}; giữ lại {kept} (chưa định tuyến được).")
    return 0 if not kept else 1


def main(argv: list[str] | None = None) -> int:
    """Run one command; an expected failure is one line on stderr and a non-zero status."""
    args = parser().parse_args(argv)
    try:
        check_province(args)
        status: int = args.handler(args)
        return status
    except KeyboardInterrupt:
        print("đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:
        if debugging():
            raise
        text, status = one_line(exc, args) or unexpected(exc)
        print(f"lỗi: {text}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
