"""Kept only for the gateway, which still imports these rules from here; it gets them over RPC
(``figure_paths``, ``parent``, ``unit_for_year``) once issue 11's gateway work lands: delete
this module with the allow-list entries naming ``services.registration.hierarchy``."""

from services.registration.directory.hierarchy import (
    figure_paths,
    reference_day,
    registration_date,
)

__all__ = ["figure_paths", "reference_day", "registration_date"]
