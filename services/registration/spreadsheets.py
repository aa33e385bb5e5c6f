"""Kept only for the gateway, which still imports the import templates from here; it gets them
over RPC (``registration.template``) once issue 11's gateway work lands: delete this module
with the allow-list entry ``("gateway.entrypoint", "services.registration.spreadsheets")``."""

from services.registration.lists.columns import SUBJECT_KINDS
from services.registration.lists.templates import template

__all__ = ["SUBJECT_KINDS", "template"]
