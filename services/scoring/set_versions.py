"""The records of a province's criteria-set versions and activations (see ``set_registry``):
plain data shared by the registry, its port and its stores."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredSet:
    """One version of a province's set as uploaded: the YAML text (of the whole document;
    ``position`` says which of its sets this is), who uploaded it and who last activated it,
    when."""

    set_id: str
    version: int
    title: str
    yaml: str
    position: int
    uploaded_by: str | None
    uploaded_at: str
    activated_by: str | None = None
    activated_at: str | None = None


@dataclass(frozen=True)
class Activation:
    set_id: str
    version: int
    from_year: int


@dataclass(frozen=True)
class ActiveSets:
    """The tenant's activations; ``stamp`` changes with each (empty: never activated)."""

    stamp: str = ""
    activations: tuple[Activation, ...] = ()

    def versions_of(self, set_id: str) -> list[Activation]:
        return sorted(
            (a for a in self.activations if a.set_id == set_id), key=lambda a: a.from_year
        )
