"""The published language every service and the gateway share: the learning titles and the
figures counted for them. One definition here instead of a copy per service; a service's own
rules about them stay in that service."""

from __future__ import annotations

from enum import StrEnum


class Title(StrEnum):
    """The learning titles (danh hiệu học tập) a subject registers for."""

    FAMILY = "FAMILY"
    CLAN = "CLAN"
    COMMUNITY = "COMMUNITY"
    COMMUNE_COMMUNITY = "COMMUNE_COMMUNITY"
    UNIT = "UNIT"
    CITIZEN = "CITIZEN"


TITLES: tuple[str, ...] = tuple(title.value for title in Title)

# How each title is named on paper and on screen.
TITLE_NAMES: dict[str, str] = {
    Title.FAMILY: "Gia đình học tập",
    Title.CLAN: "Dòng họ học tập",
    Title.COMMUNITY: "Cộng đồng học tập cấp thôn",
    Title.COMMUNE_COMMUNITY: "Cộng đồng học tập cấp xã",
    Title.UNIT: "Đơn vị học tập",
    Title.CITIZEN: "Công dân học tập",
}

# The per-unit, per-title, per-year figures scoring counts and every level rolls up.
FIGURES: tuple[str, ...] = (
    "registered",
    "assessed",
    "reviewed",
    "eligible",
    "recognised",
    "recognised_level_1",
    "recognised_level_2",
    "recognised_level_3",
)
