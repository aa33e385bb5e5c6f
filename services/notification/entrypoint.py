"""The notification service. Runs with its own database, health and metrics; channels, templates
and the partner stream arrive with their issue."""

from __future__ import annotations

from khuyenhoc.storage import MongoDatabase
from khuyenhoc.web import ObservableService


class NotificationService(ObservableService):
    name = "notification"

    db = MongoDatabase()
