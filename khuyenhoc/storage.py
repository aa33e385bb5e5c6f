"""MongoDB access: one client per process, one database per service.

Rules that keep the code correct on both MongoDB and the embedded nx-27017 server (pinned by
``tests/integration/test_store_compat.py``): updatable documents get a deterministic ``_id`` from
their natural key and are updated by ``_id``; flags are ints, not booleans; no array queries,
no ``$pull`` with conditions, no equality on sub-documents; money is an int64 of đồng; times
written by an update are ISO text (or epoch seconds where compared), since nx-27017 turns a
datetime set by ``$set`` into text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider
from pymongo import MongoClient
from pymongo.database import Database

from khuyenhoc.config import database_name

_clients: dict[str, MongoClient] = {}
_lock = threading.Lock()


def client_for(uri: str) -> MongoClient:
    """A shared client per URI: pymongo pools connections, so one per process is right."""
    with _lock:
        if uri not in _clients:
            _clients[uri] = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        return _clients[uri]


def service_database(config: dict[str, Any], service: str) -> Database:
    return client_for(config["MONGO_URI"])[database_name(config, service)]


def ping(db: Database) -> None:
    db.client.admin.command("ping")


class MongoDatabase(DependencyProvider):
    """Injects the service's own database; ``prepare`` (e.g. index creation) runs at start."""

    def __init__(self, prepare: Callable[[Database], None] | None = None) -> None:
        self.prepare = prepare
        self.database: Database | None = None

    def setup(self) -> None:
        self.database = service_database(self.container.config, self.container.service_name)

    def start(self) -> None:
        if self.prepare is not None:
            self.prepare(self.database)

    def get_dependency(self, worker_ctx: Any) -> Database:
        return self.database
