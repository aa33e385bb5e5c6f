"""``khuyenhoc notifications`` (dead messages: list, replay) and ``khuyenhoc partners``
(broker accounts for the partner event stream)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from services.notification import service, store
from services.notification.messages import TEXTS
from services.notification.partners import (
    ProvisioningFailed,
    create_partner,
    delete_partner,
    exchange_name,
)


def add_commands(commands: Any) -> None:
    notifications = commands.add_parser("notifications", help="messages that could not be sent")
    actions = notifications.add_subparsers(dest="action", required=True)
    for name, helptext in (
        ("dead", "list a province's DEAD messages with the last reason"),
        ("replay", "send a province's DEAD messages again (all, or --id ...)"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("tenant")
        action.add_argument("--id", action="append", dest="ids", default=None)
        action.add_argument("--config", default=None)
        action.set_defaults(handler=_notifications)

    partners = commands.add_parser("partners", help="partner systems' broker accounts")
    partner_actions = partners.add_subparsers(dest="action", required=True)
    for name, helptext in (
        ("create", "a user that reads <tenant>.* from the partner exchange, own queues only"),
        ("delete", "remove the partner's user"),
    ):
        action = partner_actions.add_parser(name, help=helptext)
        action.add_argument("tenant")
        action.add_argument("name")
        action.add_argument("--config", default=None)
        action.set_defaults(handler=_partners)


def _notifications(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    messages = store.Stores.of(service_database(config, "notification"), args.tenant).messages
    if args.action == "dead":
        dead = messages.dead()
        for message in dead:
            print(
                f"{message.id}  {message.channel:<7} {message.event:<12} "
                f"{message.recipient}  {message.reason or ''}"
            )
        print(TEXTS["dead_count"].format(count=len(dead), tenant=args.tenant))
        return 0
    replayed = service.replay_dead(messages, args.ids, datetime.now(UTC))
    print(TEXTS["replayed_count"].format(count=len(replayed)))
    return 0


def _partners(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    try:
        if args.action == "delete":
            delete_partner(args.tenant, args.name)
            print(TEXTS["partner_deleted"].format(tenant=args.tenant, name=args.name))
            return 0
        account = create_partner(config["AMQP_URI"], args.tenant, args.name, exchange_name(config))
    except (ProvisioningFailed, ValueError) as exc:
        print(f"error: {exc}")
        return 1
    print(f"user:         {account.user}")
    print(f"password:     {account.password}   (shown once; keep it in a secret store)")
    print(f"vhost:        {account.vhost}")
    print(f"exchange:     {account.exchange}  (topic; routing keys {args.tenant}.<event>)")
    print(f"queues:       {account.queue_prefix}*  (declare, bind, consume: yours only)")
    return 0
