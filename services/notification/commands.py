"""``khuyenhoc notifications`` (dead messages: list, replay) and ``khuyenhoc partners``
(broker accounts for the partner event stream)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from khuyenhoc.config import load_config
from khuyenhoc.storage import service_database
from services.notification import service, store
from services.notification.messages import ERRORS, TEXTS
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

    webhooks = commands.add_parser("webhooks", help="partner systems' webhooks of a province")
    webhook_actions = webhooks.add_subparsers(dest="action", required=True)
    listing = webhook_actions.add_parser("list", help="a province's webhooks (no secrets)")
    listing.add_argument("tenant")
    listing.add_argument("--config", default=None)
    listing.set_defaults(handler=_webhooks)
    removal = webhook_actions.add_parser("delete", help="remove a webhook: nothing more is sent")
    removal.add_argument("tenant")
    removal.add_argument("name")
    removal.add_argument("--config", default=None)
    removal.set_defaults(handler=_webhooks)

    partners = commands.add_parser("partners", help="partner systems' broker accounts")
    partner_actions = partners.add_subparsers(dest="action", required=True)
    for name, helptext in (
        ("create", "a user that reads <tenant>.* from the partner exchange, own queues only"),
        ("delete", "remove the partner's user and its queues (with their bindings)"),
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


def _webhooks(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    hooks = store.Stores.of(service_database(config, "notification"), args.tenant).webhooks
    if args.action == "list":
        for hook in sorted(hooks.all(), key=lambda h: h.name):
            print(f"{hook.name:<20} {hook.url}  {','.join(hook.events) or '*'}")
        return 0
    if not hooks.delete(args.name):
        print(f"error: {ERRORS['webhook_not_found']}")
        return 1
    print(TEXTS["webhook_deleted"].format(name=args.name, tenant=args.tenant))
    return 0


def _partners(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    try:
        if args.action == "delete":
            queues = delete_partner(config["AMQP_URI"], args.tenant, args.name)
            print(TEXTS["partner_deleted"].format(tenant=args.tenant, name=args.name))
            for queue in queues:
                print(TEXTS["partner_queue_deleted"].format(queue=queue))
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
