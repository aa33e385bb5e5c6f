"""Kept only for callers outside registration that still import from here (the gateway's
titles, scoring's and messaging's tests): the titles are published in ``khuyenhoc.vocabulary``
and enrolments live in ``services.registration.enrolment.domain``. Delete this module once
nothing imports it (allow-list entry ``("gateway.types", "services.registration.domain")``)."""

from services.registration.enrolment.domain import Enrolment, SubjectKind, Title

__all__ = ["Enrolment", "SubjectKind", "Title"]
