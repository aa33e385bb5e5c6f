"""Tenancy: the province is the tenant; a unit path locates a unit inside its tenant's tree."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TENANT = re.compile(r"^[0-9]{2}$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class UnknownTenant(LookupError):
    """An event or request names a province this deployment does not serve."""


def require_tenant(tenant: str, known: frozenset[str]) -> str:
    if tenant not in known:
        raise UnknownTenant(f"unknown tenant {tenant!r}")
    return tenant


@dataclass(frozen=True)
class UnitPath:
    """Codes from the province down to a unit, e.g. ``20/183/06184``.

    Kept as one string on the wire (CloudEvents attributes are scalars) and as one field per
    depth in storage (``path_0``, ``path_1``, ...), so a roll-up at any level is an indexed query.
    """

    codes: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.codes or not _TENANT.match(self.codes[0]):
            raise ValueError(f"a unit path starts with a two-digit province code: {self.codes!r}")
        if not all(_SEGMENT.match(code) for code in self.codes[1:]):
            raise ValueError(f"invalid unit path segment in {self.codes!r}")

    @classmethod
    def parse(cls, text: str) -> UnitPath:
        return cls(tuple(text.split("/")))

    def __str__(self) -> str:
        return "/".join(self.codes)

    @property
    def tenant(self) -> str:
        return self.codes[0]

    @property
    def code(self) -> str:
        return self.codes[-1]

    @property
    def depth(self) -> int:
        return len(self.codes) - 1

    def child(self, code: str) -> UnitPath:
        return UnitPath((*self.codes, code))

    def depth_fields(self) -> dict[str, str]:
        """The per-depth fields stored on every document that rolls up along this path."""
        return {f"path_{depth}": code for depth, code in enumerate(self.codes)}


def common_ancestor(paths: list[UnitPath]) -> UnitPath:
    """The deepest unit at or above every one of ``paths`` (all of one tenant): the subtree
    one read covers them from."""
    codes = paths[0].codes
    for path in paths[1:]:
        shared = 0
        for mine, theirs in zip(codes, path.codes, strict=False):
            if mine != theirs:
                break
            shared += 1
        codes = codes[:shared]
    return UnitPath(codes)


def commune_subject_id(tenant: str, commune_code: str) -> str:
    """The subject a commune is when it registers its own learning community (Cộng đồng học tập
    cấp xã): named by its code, so scoring finds it from any event's unit path."""
    return f"cm-{tenant}-{commune_code}"
