"""The fund service (Quỹ Khuyến học). Runs with its own database, health and metrics; the
ledger, donations and disbursements arrive with their issue."""

from __future__ import annotations

from khuyenhoc.storage import MongoDatabase
from khuyenhoc.web import ObservableService


class FundService(ObservableService):
    name = "fund"

    db = MongoDatabase()
