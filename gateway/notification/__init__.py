"""Notification: the delivery log, opt-outs, subscriptions, webhooks and replays."""

from gateway.notification.mutations import MUTATIONS
from gateway.notification.queries import QUERIES

__all__ = ["MUTATIONS", "QUERIES"]
