"""Certificates (giấy công nhận): their public verification by code (no token), and the list
of a decided proposal's certificates for the officers and authorities in reach. The PDF is a
file (``/files/certificates/<proposal id>.pdf``, :mod:`gateway.files`)."""

from __future__ import annotations

from typing import Any

import graphene

from gateway.access import CERTIFICATE_PRINTERS, authenticated, require_scope
from gateway.certificates import STATUS_TEXT, verification
from gateway.vocabulary import Title
from gateway.wire import input_error
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import TITLE_NAMES

CERTIFICATES_PER_PAGE = 500


class CertificateStatus(graphene.Enum):
    """Whether a recognition certificate still holds (tình trạng giấy công nhận)."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def description(self) -> str:
        return {
            "VALID": "The recognition holds (còn hiệu lực)",
            "EXPIRED": "Its validity ended (hết hiệu lực)",
            "REVOKED": "The recognition was revoked (đã thu hồi)",
        }[self.name]


class CertificateVerification(graphene.ObjectType):
    """What a certificate's code stands for, as anyone may read it."""

    code = graphene.String(required=True, description="The verification code as asked (mã tra cứu)")
    number = graphene.String(required=True, description="Số giấy công nhận")
    status = graphene.Field(CertificateStatus, required=True, description="Status (trạng thái)")
    status_text = graphene.String(required=True, description="Vietnamese")
    revoked_on = graphene.String(description="Thu hồi on this day (Asia/Ho_Chi_Minh)")
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    title_name = graphene.String(
        required=True, description="The title's Vietnamese name (tên danh hiệu)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    level = graphene.Int(description="Mức độ, where the title has levels")
    decision_number = graphene.String(
        required=True, description="The decision's number (số quyết định), e.g. 123/QĐ-UBND"
    )
    decision_date = graphene.String(
        required=True, description="The decision's date (ngày quyết định), YYYY-MM-DD"
    )
    valid_until = graphene.String(description="Last valid day, where the title expires")
    unit_name = graphene.String(required=True, description="The unit's name (tên đơn vị)")
    holder_name = graphene.String(
        required=True, description="As the province posts names: initials for persons by default"
    )
    provisional = graphene.Boolean(
        required=True, description="Judged under a criteria set whose numbers are not all official"
    )


class Certificate(graphene.ObjectType):
    """A recognition certificate (giấy công nhận) of one subject, verifiable by its number."""

    number = graphene.String(
        required=True, description="The certificate's number (số giấy công nhận)"
    )
    code = graphene.String(required=True, description="Mã tra cứu (verifyCertificate)")
    enrolment_id = graphene.String(required=True, description="The registration's id (mã đăng ký)")
    holder_name = graphene.String(required=True, description="Full name (officers only)")
    status = graphene.Field(CertificateStatus, required=True, description="Status (trạng thái)")
    status_text = graphene.String(
        required=True, description="The status in Vietnamese, to show (tình trạng)"
    )
    revoked_on = graphene.String(
        description="Day the recognition was revoked (ngày thu hồi), if it was"
    )
    title = graphene.Field(
        Title, required=True, description="The learning title (danh hiệu học tập)"
    )
    title_name = graphene.String(
        required=True, description="The title's Vietnamese name (tên danh hiệu)"
    )
    year = graphene.Int(
        required=True, description="Calendar year (năm) of the registration, assessment or record"
    )
    level = graphene.Int(
        description="Level of recognition (mức độ): 1, 2, or 3 for TT 44/2014 ratings"
    )
    decision_number = graphene.String(
        required=True, description="The decision's number (số quyết định), e.g. 123/QĐ-UBND"
    )
    decision_date = graphene.String(
        required=True, description="The decision's date (ngày quyết định), YYYY-MM-DD"
    )
    valid_until = graphene.String(
        description="Valid until (hiệu lực đến), YYYY-MM-DD; null without limit"
    )
    provisional = graphene.Boolean(
        required=True,
        description="Rests on a provisional criteria set or unofficial figures (tạm thời)",
    )


class CertificateList(graphene.ObjectType):
    """The certificates of a decided proposal list, in parts for printing."""

    proposal_id = graphene.String(
        required=True, description="The proposal list's id (danh sách đề nghị công nhận)"
    )
    total = graphene.Int(required=True, description="Certificates on the whole list")
    part = graphene.Int(required=True, description="This part's number, from 1")
    parts = graphene.Int(required=True, description="How many parts the list is printed in")
    items = graphene.List(
        graphene.NonNull(Certificate), required=True, description="The certificates of this part"
    )


def resolve_verify_certificate(root: Any, info: Any, code: str) -> dict[str, Any] | None:
    """Public: no token needed, and the same null for an unknown code of any province."""
    return verification(info.context.rpc, code[:64])


def resolve_certificates(
    root: Any, info: Any, proposal_id: str, part: int = 1
) -> dict[str, Any] | None:
    caller = authenticated(info)
    rpc = info.context.rpc
    proposal = rpc.scoring.proposal(caller.tenant, proposal_id)
    if proposal is None:
        return None
    require_scope(info, UnitPath.parse(proposal["unitpath"]), CERTIFICATE_PRINTERS)
    found = rpc.scoring.certificates(caller.tenant, proposal_id, part, CERTIFICATES_PER_PAGE)
    if "errors" in found:
        raise input_error(found["errors"])
    listed = found["certificates"]
    names = rpc.registration.enrolment_names(caller.tenant, [c["enrolment_id"] for c in listed])
    items = [
        {
            **c,
            "holder_name": (names.get(c["enrolment_id"]) or {}).get("name") or "",
            "status_text": STATUS_TEXT.get(c["status"], c["status"]),
            "title_name": TITLE_NAMES.get(c["title"], c["title"]),
        }
        for c in listed
    ]
    return {
        "proposal_id": proposal_id,
        "total": found["total"],
        "part": found["part"],
        "parts": found["parts"],
        "items": items,
    }


QUERIES: dict[str, Any] = {
    "verify_certificate": graphene.Field(
        CertificateVerification,
        code=graphene.String(required=True, description="Mã tra cứu, e.g. 20-ABCD…"),
        resolver=resolve_verify_certificate,
        description="Tra cứu giấy công nhận (public): valid, expired or revoked; null if unknown",
    ),
    "certificates": graphene.Field(
        CertificateList,
        proposal_id=graphene.String(
            required=True, description="The proposal list's id (danh sách đề nghị công nhận)"
        ),
        part=graphene.Int(default_value=1, description=f"{CERTIFICATES_PER_PAGE} per part"),
        resolver=resolve_certificates,
        description="The certificates of a decided list (registrars and authorities in reach)",
    ),
}
