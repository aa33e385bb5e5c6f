"""Hamlets (thôn, bản, ấp, tổ dân phố, khu phố) as units of the directory under their commune.

A hamlet has a deterministic code ``<commune>-T<nn>`` (numbered per commune, like branches'
``<commune>-<nnn>``), a name, a kind and validity dates; one open hamlet per name per commune
however the name is typed ("Thôn Đông", "thôn  đông" and "Đông" with kind thôn are one). It is
a child of its commune (``children``, ``searchUnits``), the subject of the village-community
title (COMMUNITY), and a unit denominators roll up through.

Rules are pure functions; the use cases take the stores (``hamlets_store.Hamlets`` writes the
directory's ``units`` documents of level ``hamlet`` only, and the name claims).

When communes merge (the 2025 reorganisation, a local merger) their open hamlets move to the
successor carrying their figures (:func:`carry_over`): a new version there, the old one closed
with a link to it; two hamlets of one name from two communes are told apart by the old
commune's name ("Thôn Đông (Hồng Phong)")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from khuyenhoc.tenancy import UnitPath
from khuyenhoc.text import clean, search_key
from services.registration.directory.hierarchy import registration_date, unit_id, valid_at
from services.registration.errors import Refused

if TYPE_CHECKING:  # adapters are passed in; the use cases never import I/O code
    from services.registration.directory.hamlets_store import Hamlets
    from services.registration.directory.store import DirectoryStore

HAMLET = "hamlet"
CODE = re.compile(r"^[0-9]{5}-T[0-9]{2,4}$")


class HamletKind(StrEnum):
    THON = "thon"
    BAN = "ban"
    AP = "ap"
    TO_DAN_PHO = "to_dan_pho"
    KHU_PHO = "khu_pho"


HAMLET_KIND_NAMES: dict[str, str] = {
    HamletKind.THON: "Thôn",
    HamletKind.BAN: "Bản",
    HamletKind.AP: "Ấp",
    HamletKind.TO_DAN_PHO: "Tổ dân phố",
    HamletKind.KHU_PHO: "Khu phố",
}
# Words a hamlet's name may start with, as search keys (longest first), and the kind they say.
_PREFIXES = (
    ("to dan pho", HamletKind.TO_DAN_PHO),
    ("tdp", HamletKind.TO_DAN_PHO),
    ("khu pho", HamletKind.KHU_PHO),
    ("khu dan cu", HamletKind.KHU_PHO),
    ("thon", HamletKind.THON),
    ("ban", HamletKind.BAN),
    ("ap", HamletKind.AP),
    ("xom", HamletKind.THON),
    ("to", HamletKind.TO_DAN_PHO),
)


def hamlet_code(commune_code: str, sequence: int) -> str:
    return f"{commune_code}-T{sequence:02d}"


def hamlet_key(name: str) -> str:
    """The name as one hamlet however typed: no diacritics, case or spacing, and without the
    word saying its kind ("Thôn Đông" and "Đông" are one)."""
    key = search_key(name)
    for prefix, _kind in _PREFIXES:
        if key.startswith(prefix + " ") and len(key) > len(prefix) + 1:
            return key[len(prefix) + 1 :].strip()
    return key


def kind_of_name(name: str) -> HamletKind | None:
    """The kind a name says by its first words ("Tổ dân phố 3": to_dan_pho), if any."""
    key = search_key(name)
    for prefix, kind in _PREFIXES:
        if key.startswith(prefix + " "):
            return kind
    return None


def claim_id(tenant: str, commune_code: str, name: str) -> str:
    return f"{tenant}:{commune_code}:{hamlet_key(name)}"


def hamlet_document(
    commune: dict[str, Any], code: str, name: str, kind: HamletKind, opened_on: date | None
) -> dict[str, Any]:
    path = UnitPath.parse(commune["path"]).child(code)
    since = opened_on.isoformat() if opened_on else None
    return {
        "_id": unit_id(commune["tenant"], commune["scheme"], code),
        "tenant": commune["tenant"],
        "scheme": commune["scheme"],
        "code": code,
        "name": name,
        "name_key": search_key(name),
        "names": [{"name": name, "from": since}],
        "kind": kind.value,
        "level": HAMLET,
        "levels": commune.get("levels"),
        "parent_code": commune["code"],
        "path": str(path),
        **path.depth_fields(),
        "depth": path.depth,
        "valid_from": since,
        "valid_to": None,
    }


# Words an official commune name starts with, dropped when a hamlet's name is told apart by it.
_COMMUNE_WORDS = ("Thị trấn ", "Phường ", "Đặc khu ", "Xã ")


def hamlet_link(unit: dict[str, Any]) -> dict[str, Any]:
    """A link between versions of a hamlet (the old one under a merged commune, the new one
    under its successor): the hamlet moves whole and its figures go with it."""
    return {
        "id": unit["_id"],
        "tenant": unit["tenant"],
        "code": unit["code"],
        "name": unit.get("name"),
        "path": unit["path"],
        "partial": False,
        "counts": True,
    }


def commune_short_name(name: str) -> str:
    """ "Xã Hồng Phong" → "Hồng Phong": a commune's name without the word saying its level."""
    for word in _COMMUNE_WORDS:
        if name.startswith(word) and len(name) > len(word):
            return name[len(word) :]
    return name


def told_apart(name: str, old_commune: dict[str, Any]) -> str:
    """A moved hamlet's name when the new commune has a hamlet of that name from another
    commune already: "Thôn Đông" of Xã Hồng Phong → "Thôn Đông (Hồng Phong)"."""
    return (
        f"{name} ({commune_short_name(clean(str(old_commune.get('name') or old_commune['code'])))})"
    )


def carried_hamlet(
    old: dict[str, Any], commune: dict[str, Any], code: str, name: str, on: date
) -> dict[str, Any]:
    """The new version of a hamlet whose commune merged into ``commune`` on ``on``: a new code
    under it, the same kind, linked back to the old hamlet (whose records stay on it)."""
    kind = HamletKind(old.get("kind") or kind_of_name(name) or HamletKind.THON)
    unit = hamlet_document(commune, code, name, kind, on)
    unit["predecessors"] = [hamlet_link(old)]
    return unit


def moving_order(olds: list[dict[str, Any]], new_commune: dict[str, Any]) -> list[dict[str, Any]]:
    """The old communes whose hamlets move, the one whose code the new commune keeps first (its
    hamlets keep their names when two communes had a hamlet of the same name)."""
    return sorted(olds, key=lambda old: old["code"] != new_commune["code"])


# -- use cases ---------------------------------------------------------------------------------


def create_hamlet(
    directory: DirectoryStore,
    hamlets: Hamlets,
    commune_code: str,
    name: str,
    kind: HamletKind | None = None,
    opened_on: date | None = None,
    on: date | None = None,
) -> tuple[dict[str, Any], bool]:
    """A hamlet under a commune (as the commune stands on ``on``, default the opening day or
    today); the same name asked again returns the existing hamlet. ``opened_on`` None: the
    hamlet existed before the platform (valid for every year)."""
    name = clean(name)
    if not hamlet_key(name):
        raise Refused("name", "blank")
    day = on or opened_on or date.today()
    commune = directory.get(commune_code, day)
    if commune is None or commune["level"] != "commune":
        raise Refused("commune_code", "commune_not_found")
    if commune.get("valid_to") and commune["valid_to"] < (on or date.today()).isoformat():
        raise Refused("commune_code", "commune_ended")
    kind = kind or kind_of_name(name) or HamletKind.THON
    claim = claim_id(directory.tenant, commune_code, name)
    code = hamlets.claim_name(claim, hamlet_code(commune_code, hamlets.next_number(commune_code)))
    existing = directory.version(commune["scheme"], code)
    if existing is None or not valid_at(existing, day):
        # The name moved on with its commune (a merger keeping the commune's code): the hamlet
        # of that name as the commune stood on ``day`` is the one meant.
        earlier = [
            u
            for u in hamlets.hamlets_of(commune_code, commune["scheme"])
            if hamlet_key(str(u["name"])) == hamlet_key(name) and valid_at(u, day)
        ]
        existing = earlier[0] if earlier else existing
    if existing is not None:
        return existing, False
    unit = hamlet_document(commune, code, name, kind, opened_on)
    hamlets.add(unit)
    return unit, True


def find_or_create(
    directory: DirectoryStore, hamlets: Hamlets, commune_code: str, name: str, year: int
) -> dict[str, Any]:
    """The commune's hamlet of that name for a registration of ``year`` (created when new)."""
    day = registration_date(year, date.today())
    unit, _ = create_hamlet(directory, hamlets, commune_code, name, on=day)
    return unit


def rename_hamlet(
    directory: DirectoryStore, hamlets: Hamlets, code: str, name: str, on: date | None = None
) -> dict[str, Any]:
    unit = _open_hamlet(directory, code)
    name = clean(name)
    if not hamlet_key(name):
        raise Refused("name", "blank")
    on = on or date.today()
    new_claim = claim_id(directory.tenant, unit["parent_code"], name)
    old_claim = claim_id(directory.tenant, unit["parent_code"], unit["name"])
    if new_claim != old_claim:
        if hamlets.claim_name(new_claim, code) != code:
            raise Refused("name", "hamlet_name_taken")
        hamlets.release_name(old_claim)
    fields = {
        "name": name,
        "name_key": search_key(name),
        "names": [*unit.get("names", []), {"name": name, "from": on.isoformat()}],
    }
    hamlets.change(unit["_id"], fields)
    return {**unit, **fields}


def close_hamlet(
    directory: DirectoryStore, hamlets: Hamlets, code: str, on: date
) -> dict[str, Any]:
    unit = _open_hamlet(directory, code)
    if unit.get("valid_from") and on.isoformat() < unit["valid_from"]:
        raise Refused("on", "hamlet_date_before_opening")
    hamlets.change(unit["_id"], {"valid_to": on.isoformat()})
    hamlets.release_name(claim_id(directory.tenant, unit["parent_code"], unit["name"]))
    return {**unit, "valid_to": on.isoformat()}


def hamlet_unit(directory: DirectoryStore, code: str, year: int, field: str) -> dict[str, Any]:
    """The hamlet ``code`` as it stood for ``year``; refused when unknown or not a hamlet."""
    unit = directory.get(code, registration_date(year, date.today()))
    if unit is None or unit.get("level") != HAMLET:
        raise Refused(field, "hamlet_not_found")
    return unit


def _open_hamlet(directory: DirectoryStore, code: str) -> dict[str, Any]:
    unit = directory.get(code)
    if unit is None or unit.get("level") != HAMLET:
        raise Refused("code", "hamlet_not_found")
    if unit.get("valid_to"):
        raise Refused("code", "hamlet_closed")
    return unit


def attach_branch(
    directory: DirectoryStore, hamlets: Hamlets, branch_code: str, hamlet_code: str
) -> dict[str, Any]:
    """A residential branch (chi hội khu dân cư/thôn) names its hamlet, of the same commune."""
    branch = directory.get(branch_code)
    if branch is None or branch.get("level") != "branch":
        raise Refused("branch_code", "branch_not_found")
    if branch.get("valid_to"):
        raise Refused("branch_code", "branch_closed")
    if branch.get("kind") not in (None, "residential"):
        raise Refused("branch_code", "branch_not_residential")
    hamlet = directory.get(hamlet_code)
    if hamlet is None or hamlet.get("level") != HAMLET:
        raise Refused("hamlet_code", "hamlet_not_found")
    if hamlet.get("parent_code") != branch.get("parent_code"):
        raise Refused("hamlet_code", "hamlet_not_found")
    if hamlet.get("valid_to"):
        raise Refused("hamlet_code", "hamlet_closed")
    fields = {"hamlet_code": hamlet["code"], "hamlet_path": hamlet["path"]}
    hamlets.change(branch["_id"], fields)
    return {**branch, **fields}


def carry_over(
    new_hamlets: Hamlets,
    new_commune: dict[str, Any],
    olds: list[tuple[Hamlets, dict[str, Any]]],
    on: date,
) -> list[dict[str, Any]]:
    """The hamlets open on the day before ``on`` under the old communes ``olds`` (each with the
    hamlets store of its province) move to ``new_commune``, which carries their figures: each
    gets a new version there (code ``<commune>-T<nn>``, the next free number, the same name
    and kind, ``predecessors`` linking to the old one) valid from ``on``; the old one is closed
    the day before with a ``successors`` link. Records and figures of earlier years stay on
    the old hamlets.

    Names are claimed in the new commune. A hamlet of the same name already open there and
    made there (say, by a registration of 2025) is reused: it gains the link, no duplicate is
    made. When two merged communes both had a hamlet of that name (two "Thôn Đông" is real),
    both are kept: the one of the commune whose code the new commune keeps (else the first
    listed) keeps the name, the other is told apart by its old commune's name, "Thôn Đông
    (Hồng Phong)". Idempotent: a hamlet already moved (it has successors, or a hamlet of the
    new commune links to it) is left alone. Returns the hamlets made or linked by this run."""
    last_day = on - timedelta(days=1)
    scheme = new_commune["scheme"]
    since = on.isoformat()
    old_ids = {
        u["_id"]
        for hamlets, commune in olds
        for u in hamlets.hamlets_of(commune["code"], commune["scheme"])
    }
    # The new commune's hamlets; when it keeps an old commune's code in the same scheme (a
    # local merger), the old commune's hamlets share its code and are the ones to move.
    here = {
        u["code"]: u
        for u in new_hamlets.hamlets_of(new_commune["code"], scheme)
        if u["_id"] not in old_ids or (u.get("valid_from") or "") >= since
    }
    carried = {link["id"] for u in here.values() for link in u.get("predecessors") or []}
    moved: list[dict[str, Any]] = []
    order = moving_order([commune for _, commune in olds], new_commune)
    for old_hamlets, old_commune in sorted(olds, key=lambda pair: order.index(pair[1])):
        for old in old_hamlets.hamlets_of(old_commune["code"], old_commune["scheme"]):
            if old.get("successors") or old["_id"] in carried or not valid_at(old, last_day):
                continue
            unit = _place(new_hamlets, new_commune, here, old, old_commune, on)
            here[unit["code"]] = unit
            old_hamlets.change(
                old["_id"],
                {"valid_to": last_day.isoformat(), "successors": [hamlet_link(unit)]},
            )
            old_claim = claim_id(old_hamlets.tenant, old["parent_code"], old["name"])
            if old_claim != claim_id(new_hamlets.tenant, new_commune["code"], unit["name"]):
                old_hamlets.release_name(old_claim, old["code"])
            moved.append(unit)
    return moved


def _place(
    hamlets: Hamlets,
    commune: dict[str, Any],
    here: dict[str, dict[str, Any]],
    old: dict[str, Any],
    old_commune: dict[str, Any],
    on: date,
) -> dict[str, Any]:
    """The hamlet of ``commune`` the old hamlet becomes: an open one of that name made there
    (linked to it), else a new one under its name, or told apart by its old commune's name when
    a hamlet moved from another commune holds the name already."""
    name = str(old["name"])
    for candidate in (name, told_apart(name, old_commune), f"{name} ({old['code']})"):
        claim = claim_id(hamlets.tenant, commune["code"], candidate)
        holder = here.get(hamlets.holder(claim) or "")
        if holder is not None and not holder.get("valid_to"):
            if holder.get("predecessors"):
                continue  # a hamlet of another merged commune has the name
            links = [hamlet_link(old)]  # made in the new commune: the same hamlet
            hamlets.change(holder["_id"], {"predecessors": links})
            return {**holder, "predecessors": links}
        # free, or held by a hamlet not open in the new commune (the old one of the same code)
        code = hamlet_code(commune["code"], hamlets.next_number(commune["code"]))
        hamlets.take_name(claim, code)
        unit = carried_hamlet(old, commune, code, candidate, on)
        hamlets.add(unit)
        return unit
    raise Refused("name", "hamlet_name_taken")  # not reached: the last name has the old code
