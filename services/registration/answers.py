"""What registration answers over RPC, as marshmallow dump schemas: the wire names of each
answer in one place, instead of dictionaries built by hand in the entrypoint. Every field the
callers know is always present (``None`` when the record has no value)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from services.registration.association.domain import BRANCH_KIND_NAMES
from services.registration.directory import hierarchy
from services.registration.directory.hamlets import HAMLET_KIND_NAMES


def _raw(**kwargs: Any) -> fields.Raw:
    return fields.Raw(dump_default=None, **kwargs)


class UnitAnswer(Schema):
    """A unit of the directory (a version of it), as the directory stores it."""

    _id = _raw()
    tenant = _raw()
    scheme = _raw()
    code = _raw()
    name = _raw()
    level = _raw()
    parent_code = _raw()
    path = _raw()
    depth = _raw()
    valid_from = _raw()
    valid_to = _raw()
    predecessors = _raw()
    successors = _raw()
    kind = _raw()
    names = _raw()
    # lets a reader skip asking ``figure_paths`` for the (usual) unit formed from no others
    keeps_own_figures = fields.Function(hierarchy.keeps_own_figures)
    # the kind as people say it (a branch's "Chi hội trường học", a hamlet's "Tổ dân phố")
    kind_name = fields.Function(lambda unit: _kind_name(unit))


def _kind_name(unit: dict[str, Any]) -> str | None:
    kind = unit.get("kind")
    if not kind:
        return None
    names: dict[str, str] = {**BRANCH_KIND_NAMES, **HAMLET_KIND_NAMES}
    return names.get(str(kind))


class RegisteredAnswer(Schema):
    enrolment_id = _raw(data_key="enrolmentId")
    subject_id = _raw(data_key="subjectId")
    title = _raw()
    year = _raw()
    unit_path = _raw(data_key="unitPath")
    created = _raw()


class WithdrawnAnswer(Schema):
    enrolment_id = _raw(data_key="enrolmentId")
    status = _raw()


class SubjectItemAnswer(Schema):
    """One line of a unit's list of enrolments."""

    _id = _raw(attribute="id")
    subject_id = _raw()
    subject_kind = _raw()
    title = _raw()
    year = _raw()
    status = _raw()
    name = _raw()
    unitpath = _raw()


class SubjectsPageAnswer(Schema):
    items = fields.List(fields.Nested(SubjectItemAnswer))
    next_cursor = _raw(data_key="nextCursor")


class EnrolmentPlaceAnswer(Schema):
    """Where an enrolment belongs, for the gateway's access checks."""

    tenant = _raw()
    unit_code = _raw()
    unitpath = _raw()
    title = _raw()
    year = _raw()
    status = _raw()
    subject_kind = _raw()


class ContactAnswer(Schema):
    subject_id = _raw(data_key="subjectId")
    name = _raw()
    phone = _raw()
    email = _raw()
    unitpath = _raw()
    unit_name = _raw()


class NamedEnrolmentAnswer(Schema):
    """Who an enrolment is, for lists, postings and certificates (no contact details: those
    are notification's, through ``contact``)."""

    id = _raw()
    subject_id = _raw(data_key="subjectId")
    subject_kind = _raw(data_key="subjectKind")
    name = _raw()
    title = _raw()
    year = _raw()
    status = _raw()
    unit_code = _raw(data_key="unitCode")
    unitpath = _raw()


class NamedSubjectAnswer(Schema):
    id = _raw()
    kind = _raw(data_key="subjectKind")
    name = _raw()
    unit_code = _raw(data_key="unitCode")
    unitpath = _raw()


class RegistrationAnswer(Schema):
    """One registration for its own page: the enrolment, its withdrawal and its subject's
    registered details (see ``enrolment.service.DETAIL_FIELDS``)."""

    enrolment_id = fields.Function(lambda d: d.record.id, data_key="enrolmentId")
    subject_id = fields.Function(lambda d: d.record.subject_id, data_key="subjectId")
    subject_kind = fields.Function(lambda d: d.record.subject_kind, data_key="subjectKind")
    name = fields.Function(lambda d: d.record.name)
    title = fields.Function(lambda d: d.record.title)
    year = fields.Function(lambda d: d.record.year)
    status = fields.Function(lambda d: d.record.status)
    unit_code = fields.Function(lambda d: d.record.unit_code, data_key="unitCode")
    unitpath = fields.Function(lambda d: d.record.unitpath)
    created_at = fields.Function(
        lambda d: d.created_at.isoformat() if d.created_at else None, data_key="createdAt"
    )
    withdrawn_at = _raw(data_key="withdrawnAt")
    withdraw_reason = _raw(data_key="withdrawReason")
    details = _raw()


class MemberCountAnswer(Schema):
    code = _raw()
    year = _raw()
    count = _raw()


class MemberAddedAnswer(Schema):
    member_id = _raw(data_key="memberId")
    branch_code = _raw(data_key="branchCode")
    year = _raw()
    created = _raw()


class UnitFiguresAnswer(Schema):
    members = _raw()
    branches = _raw()


class ImportJobAnswer(Schema):
    _id = _raw()
    tenant = _raw()
    commune_code = _raw()
    unitpath = _raw()
    kind = _raw()
    year = _raw()
    file_name = _raw()
    status = _raw()
    total = _raw()
    done = _raw()
    created = _raw()
    duplicates = _raw()
    failed = _raw()


UNIT = UnitAnswer()
UNITS = UnitAnswer(many=True)
REGISTERED = RegisteredAnswer()
WITHDRAWN = WithdrawnAnswer()
SUBJECTS_PAGE = SubjectsPageAnswer()
ENROLMENT_PLACE = EnrolmentPlaceAnswer()
CONTACT = ContactAnswer()
NAMED_ENROLMENT = NamedEnrolmentAnswer()
NAMED_SUBJECT = NamedSubjectAnswer()
MEMBER_COUNT = MemberCountAnswer()
MEMBER_ADDED = MemberAddedAnswer()
UNIT_FIGURES = UnitFiguresAnswer()
IMPORT_JOB = ImportJobAnswer()
REGISTRATION = RegistrationAnswer()


def dumped(schema: Schema, value: Any) -> Any:
    """``schema``'s answer for ``value``; ``None`` stays ``None`` (nothing found)."""
    return None if value is None else schema.dump(value)
