"""Certificates (giấy công nhận) of a decided proposal list, and their public verification.

One certificate per subject a decision recognised, read from the proposal (``decided``) and
each recognised assessment's ``recognition`` record, so it keeps working however a decision is
entered. Everything here is deterministic:

- the certificate number is ``<decision number>-<nnn>``, counted in the list's order among the
  subjects that decision recognised (a revocation keeps its number; nobody is renumbered);
- the verification code is ``<tenant>-<16 base32 characters>`` of HMAC-SHA256(key, tenant,
  enrolment id): short enough to type from paper, unguessable without the key, the same every
  time it is printed. The tenant prefix tells the public lookup where to look; a lookup
  document ``<tenant>:cert:<code>`` (keyed by ``_id``, never a scan) leads to the enrolment,
  whose code is computed again and compared, so a forged or altered code finds nothing.

The public answer never says which tenants exist: an unknown or altered code is "not found"
everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from services.scoring.domain import (
    AssessmentRecord,
    Proposal,
    Refused,
    names_policy,
    vietnam_day,
)

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.scoring.ports import CertificateLookups, Proposals, Recognitions

CODE_LENGTH = 16  # base32 characters: 80 bits
MAX_CERTIFICATES = 10_000  # a decision's list is a commune's; far beyond any real one
_CODE = re.compile(rf"^([0-9]{{2}})-([A-Z2-7]{{{CODE_LENGTH}}})$")

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


def certificate_key(config: Mapping[str, Any]) -> bytes:
    """The HMAC key: ``CERTIFICATE_KEY``, else (on a developer's machine) ``JWT_SECRET``.
    Changing it changes every code already printed: set it once per deployment."""
    key = str(config.get("CERTIFICATE_KEY") or config.get("JWT_SECRET") or "")
    if not key:
        raise ValueError("CERTIFICATE_KEY (or JWT_SECRET) is not configured")
    return key.encode("utf-8")


def certificate_code(key: bytes, tenant: str, enrolment_id: str) -> str:
    message = f"certificate\x1f{tenant}\x1f{enrolment_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return f"{tenant}-{base64.b32encode(digest).decode('ascii')[:CODE_LENGTH]}"


def parse_code(text: str) -> tuple[str, str] | None:
    """``(tenant, code)`` of a code as a person may type it (any case, spaces, no prefix
    dash lost); None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    found = _CODE.match(compact)
    return (found.group(1), compact) if found else None


def lookup_id(tenant: str, code: str) -> str:
    return f"{tenant}:cert:{code}"


def today_in_vietnam(now: datetime | None = None) -> date:
    return vietnam_day(now or datetime.now(UTC))


@dataclass(frozen=True)
class Certificate:
    """One recognised subject's certificate, as a decision made it."""

    number: str
    code: str
    enrolment_id: str
    subject_id: str
    subject_kind: str
    title: str
    year: int
    level: int | None
    decision_number: str
    decision_date: str
    signer: str
    signer_position: str | None
    authority: str | None
    valid_until: str | None
    status: str
    revoked_on: str | None
    unit_code: str
    unitpath: str
    provisional: bool


def revoked_on(recognition: Mapping[str, Any]) -> str | None:
    """The day (Vietnam) a recognition was revoked; None while it holds."""
    revoked = recognition.get("revoked")
    if not revoked:
        return None
    if revoked.get("date"):
        return str(revoked["date"])
    at = datetime.fromisoformat(str(revoked["at"]).replace("Z", "+00:00"))
    return vietnam_day(at).isoformat() if at.tzinfo else at.date().isoformat()


def status_of(recognition: Mapping[str, Any], today: date) -> str:
    """``revoked`` (thu hồi), ``expired`` (its last valid day is before today in Vietnam), or
    ``valid`` (a one-year title with no end date stays a fact of its year: valid)."""
    if recognition.get("revoked"):
        return REVOKED
    until = recognition.get("valid_until")
    if until and str(until) < today.isoformat():
        return EXPIRED
    return VALID


def numbered(
    proposal: Proposal, records: Mapping[str, AssessmentRecord]
) -> list[tuple[str, AssessmentRecord]]:
    """The recognised subjects of the proposal in the list's order, each with its number
    ``<decision number>-<nnn>``, counted per decision (a list decided in parts has one run of
    numbers per decision)."""
    counted: dict[str, int] = {}
    found = []
    for enrolment_id in proposal.enrolments:
        record = records.get(enrolment_id)
        recognition = (record.recognition if record else None) or {}
        number = recognition.get("decision_number")
        if record is None or not number:
            continue
        counted[number] = counted.get(number, 0) + 1
        found.append((f"{number}-{counted[number]:03d}", record))
    return found


def certificate(number: str, code: str, record: AssessmentRecord, today: date) -> Certificate:
    recognition = record.recognition or {}
    return Certificate(
        number=number,
        code=code,
        enrolment_id=record.id,
        subject_id=record.subject_id,
        subject_kind=record.subject_kind,
        title=record.title,
        year=record.year,
        level=recognition.get("level"),
        decision_number=str(recognition.get("decision_number")),
        decision_date=str(recognition.get("decision_date")),
        signer=str(recognition.get("signer") or ""),
        signer_position=recognition.get("signer_position"),
        authority=recognition.get("authority"),
        valid_until=recognition.get("valid_until"),
        status=status_of(recognition, today),
        revoked_on=revoked_on(recognition),
        unit_code=record.unit_code,
        unitpath=record.unitpath,
        provisional=provisional(record),
    )


def provisional(record: AssessmentRecord) -> bool:
    """Whether the recognition rests on a criteria set whose numbers are not all official: as
    the decision recorded it, else as the review's verdict said."""
    recognition = record.recognition or {}
    if "provisional" in recognition:
        return bool(recognition["provisional"])
    return bool(((record.review or {}).get("verdict") or {}).get("provisional"))


def holder_names(settings: Mapping[str, Any], subject_kind: str) -> str:
    """How a holder is named in public: as on the public posting (``names_policy`` of
    ``TENANT_SETTINGS[t].posting.names``), so the verification page and the posting agree."""
    return names_policy((settings.get("posting") or {}).get("names"), subject_kind)


@dataclass(frozen=True)
class CertificateList:
    proposal: Proposal
    certificates: list[Certificate]


def certificates(
    recognitions: Recognitions,
    proposals: Proposals,
    lookups: CertificateLookups,
    key: bytes,
    proposal_id: str,
    today: date,
) -> CertificateList:
    """The certificates of a decided proposal list, with the lookup documents their codes
    need written once."""
    proposal = proposals.get(proposal_id)
    if proposal is None:
        raise Refused("proposal_id", "proposal_not_found")
    if not proposal.decided:
        raise Refused("proposal_id", "not_decided")
    if len(proposal.enrolments) > MAX_CERTIFICATES:
        raise Refused("proposal_id", "too_many_certificates")
    records = {r.id: r for r in recognitions.many(list(proposal.enrolments))}
    found = [
        certificate(number, certificate_code(key, proposal.tenant, record.id), record, today)
        for number, record in numbered(proposal, records)
    ]
    lookups.ensure(
        [
            {
                "_id": lookup_id(proposal.tenant, c.code),
                "enrolment_id": c.enrolment_id,
                "proposal_id": proposal.id,
                "number": c.number,
            }
            for c in found
        ]
    )
    return CertificateList(proposal, found)


def verify(
    recognitions: Recognitions,
    lookups: CertificateLookups,
    key: bytes,
    tenant: str,
    code: str,
    today: date,
) -> Certificate | None:
    """The certificate a code stands for, with its status today; None for a code that is not
    one of this tenant's (unknown, altered, or of a subject no longer recognised)."""
    found = lookups.get(lookup_id(tenant, code))
    if found is None:
        return None
    record = recognitions.get(str(found.get("enrolment_id")))
    if record is None or record.tenant != tenant or not record.recognition:
        return None
    if not hmac.compare_digest(certificate_code(key, tenant, record.id), code):
        return None
    return certificate(str(found["number"]), code, record, today)


def check_part(total: int, part: int, size: int) -> None:
    """A list is served in parts of ``size``: part 1 always exists, others only if reached."""
    if part < 1 or (part > 1 and (part - 1) * size >= total):
        raise Refused("part", "certificate_part")
