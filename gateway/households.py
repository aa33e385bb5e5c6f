"""GraphQL mutations of registration: households enrol for "Gia đình học tập"."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from gateway.access import REGISTRARS, scoped_unit
from gateway.errors import input_error, wire_input
from gateway.types import Title
from services.registration.hierarchy import registration_date


class MemberInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    relation = graphene.String(required=True, description="Quan hệ với chủ hộ")
    birth_year = graphene.Int()
    learning = graphene.Boolean(description="Đang đi học / đang học tập")


class RegisterHouseholdInput(graphene.InputObjectType):
    tenant = graphene.String(description="Province code; defaults to the caller's")
    commune_code = graphene.String(required=True)
    head_name = graphene.String(required=True)
    address = graphene.String(required=True, description="Thôn / tổ dân phố")
    members = graphene.List(graphene.NonNull(MemberInput))
    phone = graphene.String()
    year = graphene.Int(required=True)


class Enrolment(graphene.ObjectType):
    enrolment_id = graphene.String(required=True)
    subject_id = graphene.String(required=True)
    title = graphene.Field(Title, required=True)
    year = graphene.Int(required=True)
    unit_path = graphene.String(required=True)
    created = graphene.Boolean(required=True, description="False for a repeated registration")


class RegisterHousehold(graphene.Mutation):
    class Arguments:
        input = RegisterHouseholdInput(required=True)

    Output = Enrolment

    @staticmethod
    def mutate(root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        at = registration_date(input["year"], date.today())
        tenant, _ = scoped_unit(info, input.get("tenant"), input["commune_code"], REGISTRARS, at)
        registration = info.context.rpc.registration
        result = registration.register_household(wire_input({**input, "tenant": tenant}))
        if "errors" in result:
            raise input_error(result["errors"])
        enrolment = result["enrolment"]
        return {
            "enrolment_id": enrolment["enrolmentId"],
            "subject_id": enrolment["subjectId"],
            "title": enrolment["title"],
            "year": enrolment["year"],
            "unit_path": enrolment["unitPath"],
            "created": enrolment["created"],
        }
