"""Which fund processes are alive, so a movement whose request died is settled at once.

A movement is committed with its plan pending and settled by the request that committed it; a
second settler running at the same time would count it twice, so the sweep used to wait
``SETTLE_GRACE`` (5 minutes) before finishing a plan — after a kill -9 mid-donation, the
donation was missing from every figure that long. Each plan now names its settler (this
process), and each process keeps a heartbeat document in ``settlers``: a plan whose settler is
gone (its heartbeat removed by a clean stop, older than ``STALE_SECONDS``, or its process no
longer running on this machine) is finished by the next sweep, at start-up and every few
seconds. A plan of a live settler still waits ``SETTLE_GRACE``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

import eventlet
from nameko.extensions import DependencyProvider

from khuyenhoc.storage import service_database

log = logging.getLogger(__name__)

SETTLERS = "settlers"
HEARTBEAT_SECONDS = 2.0
STALE_SECONDS = 20.0
HOST = socket.gethostname()


def new_settler_id() -> str:
    return f"{HOST}/{os.getpid()}/{uuid.uuid4().hex[:12]}"


def live_settlers(db: Any, now: float | None = None) -> set[str]:
    """Settlers whose heartbeat is fresh (infrastructure: read across tenants)."""
    cutoff = (now or time.time()) - STALE_SECONDS
    return {doc["_id"] for doc in db[SETTLERS].find({}, {"seen": 1}) if doc.get("seen", 0) > cutoff}


def is_gone(settler: str | None, live: set[str]) -> bool:
    """True when ``settler`` can no longer be settling anything. Unknown (a plan written before
    settlers were named): False, the plan waits out the grace as before."""
    if not settler:
        return False
    host, _, rest = settler.partition("/")
    pid = rest.partition("/")[0]
    mine = host == HOST and pid.isdigit() and int(pid) != os.getpid()
    if mine and not os.path.exists(f"/proc/{pid}"):
        return True  # its process is gone from this machine
    return settler not in live


class Settler(DependencyProvider):
    """This process as a settler: its id (``self.settler`` in the service) and heartbeat."""

    def setup(self) -> None:
        self.id = new_settler_id()
        self.db = service_database(self.container.config, self.container.service_name)
        self._stopping = False

    def start(self) -> None:
        self._beat()  # before the first sweep, so its own plans count as alive
        self.container.spawn_managed_thread(self._run, identifier="settler-heartbeat")

    def stop(self) -> None:
        self._stopping = True
        try:
            self.db[SETTLERS].delete_one({"_id": self.id})
        except Exception:  # the database is away: the heartbeat goes stale instead
            log.warning("could not remove the settler heartbeat", exc_info=True)

    def kill(self) -> None:
        self._stopping = True

    def get_dependency(self, worker_ctx: Any) -> str:
        return self.id

    def _beat(self) -> None:
        try:
            self.db[SETTLERS].update_one(
                {"_id": self.id}, {"$set": {"seen": time.time()}}, upsert=True
            )
        except Exception:  # the database is away: try again on the next beat
            log.warning("settler heartbeat failed", exc_info=True)

    def _run(self) -> None:
        while not self._stopping:
            eventlet.sleep(HEARTBEAT_SECONDS)
            if not self._stopping:
                self._beat()
