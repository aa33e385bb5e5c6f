"""Both sides of every threshold and floor each shipped set defines."""

from dataclasses import replace

import pytest

from services.scoring.criteria_sets import load_shipped, parse_set
from services.scoring.engine import AssessmentError, assess, labels

SETS = {s.id: s for s in load_shipped()}
CITIZEN_IDS = [i for i in SETS if i.startswith("qd244-citizen")]


def _with_maxima(set_id: str, maximum: int = 10):
    """A province's adapted set: the shipped one with its null maxima filled in."""
    base = SETS[set_id]
    criteria = tuple(
        replace(c, indicators=tuple(replace(i, max_points=maximum) for i in c.indicators))
        for c in base.criteria
    )
    return replace(base, id=f"{set_id}-province", criteria=criteria, provisional=False)


def _points(total: int, n: int = 10, low: int | None = None) -> dict[str, int]:
    """Points for i1..i{n} adding up to `total`, i1 set to `low` if given."""
    scores = [low] if low is not None else []
    rest = total - sum(scores)
    k = n - len(scores)
    scores += [rest // k + (1 if j < rest % k else 0) for j in range(k)]
    return {f"i{j + 1}": s for j, s in enumerate(scores)}


def _keys(verdict) -> set[str]:
    keys = {r.key for r in verdict.reasons}
    for c in verdict.explanation:
        for i in c.indicators:
            keys |= {r.key for r in i.reasons}
    return keys


def _messages(verdict) -> list[str]:
    return [r.message for r in verdict.reasons] + [
        r.message for c in verdict.explanation for i in c.indicators for r in i.reasons
    ]


# --- citizen (QĐ 244) ----------------------------------------------------------------------------


@pytest.mark.parametrize("set_id", CITIZEN_IDS)
def test_citizen_shipped_set_decides_although_its_maxima_are_unknown(set_id):
    # The rule (≥ 80 of 100, no indicator below 5) does not use the maxima: they stay listed
    # as unknown (and explained), the verdict is decided and provisional.
    verdict = assess(SETS[set_id], _points(90))
    assert verdict.status == "recognised" and verdict.total == 90
    assert "i1.max_points" in verdict.unknown_parameters and verdict.provisional
    assert "max_unknown" in _keys(verdict) and not verdict.decided_by_meeting


@pytest.mark.parametrize("set_id", CITIZEN_IDS)
@pytest.mark.parametrize(
    ("total", "low", "status"),
    [
        (80, None, "recognised"),
        (79, None, "not_recognised"),
        (85, 4, "not_recognised"),
        (85, 5, "recognised"),
        (100, None, "recognised"),
    ],
)
def test_citizen_pass_mark_and_floor(set_id, total, low, status):
    verdict = assess(_with_maxima(set_id), _points(total, low=low))
    assert (verdict.status, verdict.total, verdict.level) == (status, total, None)
    assert verdict.unknown_parameters == ()
    if low == 4:
        assert "below_floor" in _keys(verdict)
        name = labels(SETS[set_id])["i1"]
        assert f"Chỉ số “{name}” đạt 4 điểm, thấp hơn mức tối thiểu 5 điểm." in _messages(verdict)
    if total == 79:
        assert "below_pass_mark" in _keys(verdict)
        assert "Tổng điểm 79, thấp hơn mức đạt 80 điểm." in _messages(verdict)


def test_citizen_missing_indicator_is_undecidable():
    scores = _points(90)
    del scores["i3"]
    adapted = _with_maxima(CITIZEN_IDS[0])
    verdict = assess(adapted, scores)
    assert verdict.status == "undecidable" and verdict.missing == ("i3",)
    assert verdict.total is None and "missing_indicator" in _keys(verdict)
    assert f"Chưa có kết quả cho chỉ số “{labels(adapted)['i3']}”." in _messages(verdict)


def test_citizen_below_floor_is_not_recognised_even_with_answers_missing():
    # Honest verdicts: a definite failure does not wait for the rest (shipped set, null maxima).
    scores = {"i1": 4, "i2": 9}
    verdict = assess(SETS[CITIZEN_IDS[0]], scores)
    assert verdict.status == "not_recognised"
    assert "still_missing" in _keys(verdict) and len(verdict.missing) == 8
    assert verdict.reasons[-1].message == "Chưa đạt: chưa đủ điều kiện công nhận."


def test_citizen_total_that_cannot_reach_the_pass_mark_is_not_recognised():
    adapted = _with_maxima(CITIZEN_IDS[0])
    scores = dict.fromkeys([f"i{n}" for n in range(1, 9)], 6)  # 48 + at most 2 x 10 = 68 < 80
    verdict = assess(adapted, scores)
    assert verdict.status == "not_recognised" and verdict.missing == ("i9", "i10")
    assert "cannot_reach_pass_mark" in _keys(verdict)
    near = assess(adapted, dict.fromkeys([f"i{n}" for n in range(1, 9)], 8))  # 64 + 20 = 84
    assert near.status == "undecidable"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (11, "11 điểm vượt quá điểm tối đa 10."),
        (-1, "số điểm không được âm (-1)."),
        (True, "nhận số điểm là số nguyên."),
        (2.5, "nhận số điểm là số nguyên."),
    ],
)
def test_points_out_of_range_are_the_callers_error(bad, says):
    adapted = _with_maxima(CITIZEN_IDS[0])
    with pytest.raises(AssessmentError) as error:
        assess(adapted, {**_points(90), "i2": bad})
    assert str(error.value).startswith(f"Chỉ số “{labels(adapted)['i2']}”")
    assert str(error.value).endswith(says)


def test_unknown_indicator_is_the_callers_error():
    with pytest.raises(AssessmentError, match="zz"):
        assess(_with_maxima(CITIZEN_IDS[0]), {**_points(90), "zz": 3})


# --- family (QĐ 448) -----------------------------------------------------------------------------

FAMILY_IDS = ["c1.i1", "c1.i2", "c1.i3", "c2.i1", "c2.i2", "c2.i3", "c3.i1", "c4.i1"]


def test_family_shipped_set_is_undecidable_and_lists_unknowns():
    family = SETS["qd448-family-2016"]
    verdict = assess(family, dict.fromkeys(FAMILY_IDS, 10))
    assert verdict.status == "undecidable" and verdict.provisional
    assert "awaiting_meeting" in _keys(verdict)  # a self-assessment: the meeting decides
    assert {"pass_mark", "c3.i1.max_points", "c1.i1.min_points"} <= set(verdict.unknown_parameters)
    assert verdict.total == 80
    assert "Nền tảng chưa có số liệu điểm đạt (tổng điểm) của bộ tiêu chí này." in (
        _messages(verdict)
    )


def test_family_points_above_known_maximum_rejected():
    family = SETS["qd448-family-2016"]
    with pytest.raises(AssessmentError, match="11 điểm vượt quá điểm tối đa 10") as error:
        assess(family, {"c1.i1": 11})
    assert labels(family)["c1.i1"] in str(error.value) and "c1.i1" not in str(error.value)


def _family_province(pass_mark: int = 70, floor: int = 2) -> object:
    """A province's adapted family set (its own numbers), loaded through the same parser."""
    criteria = []
    for c, n in (("c1", 3), ("c2", 3), ("c3", 2), ("c4", 2)):
        indicators = [
            {"id": f"{c}.i{k}", "kind": "points", "max_points": 10, "min_points": floor}
            for k in range(1, n + 1)
        ]
        criteria.append({"id": c, "max_points": 10 * n, "indicators": indicators})
    return parse_set(
        {
            "id": "family-province",
            "title": "FAMILY",
            "issuer": "Tỉnh X",
            "decision": {"number": "1/QĐ-X"},
            "valid_from": 2016,
            "valid_to": 2020,
            "provisional": False,
            "sources": ["own decision"],
            "total_points": 100,
            "pass_mark": pass_mark,
            "criteria": criteria,
        }
    )


def test_family_province_floor_both_sides():
    family = _family_province(floor=2)
    answer = {i.id: 10 for i in family.indicators()}
    assert assess(family, answer | {"c4.i2": 2}).status == "recognised"
    verdict = assess(family, answer | {"c4.i2": 1})
    assert verdict.status == "not_recognised" and verdict.total == 91
    assert "below_floor" in _keys(verdict)


def test_family_province_pass_mark_both_sides():
    family = _family_province(pass_mark=70)
    at = {i.id: 7 for i in family.indicators()}
    below = {**at, "c1.i1": 6}
    assert assess(family, at).status == "recognised"
    assert assess(family, below).status == "not_recognised"


# --- TT 24 learning unit --------------------------------------------------------------------------

UNIT_MET = {"c1.i1": True, "c2.i1": True, "c3.i2": True}


@pytest.mark.parametrize(
    ("set_id", "figure", "share", "status", "level"),
    [
        ("tt24-learning-unit-2024", "members_citizen_share", 0.8999, "not_recognised", None),
        ("tt24-learning-unit-2024", "members_citizen_share", 0.90, "recognised", 1),
        ("tt24-learning-unit-2024", "members_citizen_share", 0.9499, "recognised", 1),
        ("tt24-learning-unit-2024", "members_citizen_share", 0.95, "recognised", 2),
        (
            "tt24-learning-unit-2024-provincial-school",
            "learners_citizen_share",
            0.9499,
            "not_recognised",
            None,
        ),
        (
            "tt24-learning-unit-2024-provincial-school",
            "learners_citizen_share",
            0.95,
            "recognised",
            1,
        ),
        (
            "tt24-learning-unit-2024-provincial-school",
            "learners_citizen_share",
            0.9699,
            "recognised",
            1,
        ),
        (
            "tt24-learning-unit-2024-provincial-school",
            "learners_citizen_share",
            0.97,
            "recognised",
            2,
        ),
    ],
)
def test_unit_share_targets(set_id, figure, share, status, level):
    verdict = assess(SETS[set_id], UNIT_MET, {figure: share})
    assert (verdict.status, verdict.level, verdict.total) == (status, level, None)
    keys = _keys(verdict)
    assert ("below_target" in keys) == (level != 2)


def test_unit_share_message_is_vietnamese():
    unit = SETS["tt24-learning-unit-2024"]
    verdict = assess(unit, UNIT_MET, {"members_citizen_share": 0.8999})
    name = unit.indicator("c3.i1").name
    assert f"Chỉ số “{name}”: 89,99%, chưa đạt mức yêu cầu 90% của mức độ 1." in _messages(verdict)
    assert not any("c3.i1" in m or "members_citizen_share" in m for m in _messages(verdict))


def test_unit_criterion_not_met_and_missing_figure():
    unit = SETS["tt24-learning-unit-2024"]
    not_met = UNIT_MET | {"c1.i1": False}
    assert assess(unit, not_met, {"members_citizen_share": 1.0}).status == "not_recognised"
    verdict = assess(unit, UNIT_MET)
    assert verdict.status == "undecidable" and verdict.missing == ("c3.i1",)
    # a criterion not met is "chưa đạt" even while the share is not known yet
    early = assess(unit, not_met)
    assert early.status == "not_recognised" and early.missing == ("c3.i1",)


# --- TT 25 commune community ----------------------------------------------------------------------

TT25 = SETS["tt25-commune-community-2024"]
LEVEL1 = [i.id for i in TT25.indicators() if i.level == 1]
LEVEL2 = [i.id for i in TT25.indicators() if i.level == 2]


def test_tt25_shape():
    assert len(LEVEL1) == 15 and LEVEL2 == ["c4.l2", "c5.l2"]


def test_tt25_all_level1_met_is_level1():
    verdict = assess(TT25, dict.fromkeys(LEVEL1, True) | dict.fromkeys(LEVEL2, False))
    assert (verdict.status, verdict.level) == ("recognised", 1)
    assert "level_not_reached" in _keys(verdict)


@pytest.mark.parametrize("indicator", LEVEL1)
def test_tt25_one_level1_not_met(indicator):
    answer = dict.fromkeys(LEVEL1, True) | dict.fromkeys(LEVEL2, True) | {indicator: False}
    verdict = assess(TT25, answer)
    assert (verdict.status, verdict.level) == ("not_recognised", None)
    assert f"Chỉ số “{TT25.indicator(indicator).name}” chưa đạt." in _messages(verdict)


def test_tt25_level2_needs_both_higher_targets():
    answer = dict.fromkeys(LEVEL1 + LEVEL2, True)
    assert assess(TT25, answer).level == 2
    assert assess(TT25, answer | {"c5.l2": False}).level == 1


def test_tt25_level2_not_assessed_keeps_level1():
    verdict = assess(TT25, dict.fromkeys(LEVEL1, True))
    assert (verdict.status, verdict.level) == ("recognised", 1)
    assert "level_undecidable" in _keys(verdict) and verdict.missing == ("c4.l2", "c5.l2")


def test_tt25_missing_level1_is_undecidable():
    verdict = assess(TT25, dict.fromkeys(LEVEL1[1:], True))
    assert verdict.status == "undecidable" and LEVEL1[0] in verdict.missing


def test_tt25_one_not_met_is_not_recognised_while_others_are_missing():
    verdict = assess(TT25, {LEVEL1[0]: False, LEVEL1[1]: True})
    assert verdict.status == "not_recognised" and LEVEL1[2] in verdict.missing
    assert "still_missing" in _keys(verdict)


def test_messages_carry_no_ids_and_say_mức_độ():
    for verdict in (
        assess(TT25, {LEVEL1[0]: False}),
        assess(TT44, {}),
        assess(SETS["qd448-family-2021"], {"c1.i1": 3}),
    ):
        for message in _messages(verdict):
            assert "c1.i" not in message and "mức 2" not in message, message


def test_met_must_be_bool():
    with pytest.raises(AssessmentError, match="chỉ nhận kết quả đạt hoặc không đạt") as error:
        assess(TT25, {"c1.i1": 1})
    assert labels(TT25)["c1.i1"] in str(error.value)


def test_a_computed_indicator_and_a_figure_are_checked_in_vietnamese():
    unit = SETS["tt24-learning-unit-2024"]
    with pytest.raises(AssessmentError, match="do nền tảng tính từ số liệu"):
        assess(unit, {"c3.i1": 1})
    with pytest.raises(AssessmentError, match="Mỗi số liệu nhập vào phải là một số."):
        assess(unit, UNIT_MET, {"members_citizen_share": float("nan")})


# --- TT 44/2014 commune community (rated by total points: Trung bình / Khá / Tốt) ----------------

TT44 = SETS["tt44-commune-community-2014"]
TT44_IDS = [i.id for i in TT44.indicators()]


def _tt44_adapted(pass_mark=50, marks=(50, 70, 85)):
    """A province's copy with the numbers filled in: 15 criteria of up to 10 points (floor 2)."""
    criteria = tuple(
        replace(
            c,
            max_points=10,
            indicators=tuple(replace(i, max_points=10, min_points=2) for i in c.indicators),
        )
        for c in TT44.criteria
    )
    levels = tuple(replace(lv, pass_mark=m) for lv, m in zip(TT44.levels, marks, strict=True))
    return replace(TT44, criteria=criteria, levels=levels, pass_mark=pass_mark, total_points=150)


def _tt44_points(total: int) -> dict[str, int]:
    base, extra = divmod(total, len(TT44_IDS))
    return {i: base + (1 if n < extra else 0) for n, i in enumerate(TT44_IDS)}


def test_tt44_shape_and_unknown_numbers_are_named():
    assert len(TT44.criteria) == 15 and [lv.rating for lv in TT44.levels] == [
        "Trung bình",
        "Khá",
        "Tốt",
    ]
    verdict = assess(TT44, _tt44_points(90))
    assert verdict.status == "undecidable"
    assert {"pass_mark", "levels.1.pass_mark", "levels.3.pass_mark"} <= set(
        verdict.unknown_parameters
    )


@pytest.mark.parametrize(
    ("total", "status", "level"),
    [
        (49, "not_recognised", None),
        (50, "recognised", 1),
        (69, "recognised", 1),
        (70, "recognised", 2),
        (84, "recognised", 2),
        (85, "recognised", 3),
        (150, "recognised", 3),
    ],
)
def test_tt44_ratings_follow_the_level_marks(total, status, level):
    verdict = assess(_tt44_adapted(), _tt44_points(total))
    assert (verdict.status, verdict.level, verdict.total) == (status, level, total)


def test_tt44_a_floor_missed_is_not_recognised_whatever_the_total():
    answers = _tt44_points(120) | {"c1.i1": 1}
    assert assess(_tt44_adapted(), answers).status == "not_recognised"


def test_tt44_an_unknown_higher_mark_keeps_the_lower_rating():
    verdict = assess(_tt44_adapted(marks=(50, 70, None)), _tt44_points(140))
    assert (verdict.status, verdict.level) == ("recognised", 2)
    assert "levels.3.pass_mark" in verdict.unknown_parameters


def test_level_marks_must_not_fall():
    data = {
        "id": "x",
        "title": "COMMUNE_COMMUNITY",
        "issuer": "x",
        "decision": {"number": "1"},
        "valid_from": 2014,
        "provisional": True,
        "provisional_reason": "x",
        "sources": ["x"],
        "pass_mark": 10,
        "levels": [{"level": 1, "pass_mark": 20}, {"level": 2, "pass_mark": 15}],
        "criteria": [
            {
                "id": "c1",
                "indicators": [
                    {"id": "c1.i1", "kind": "points", "max_points": 30, "min_points": 0}
                ],
            }
        ],
    }
    with pytest.raises(ValueError, match="levels"):
        parse_set(data)


# --- a rule that is fully known decides (learning citizen, QĐ 244 / QĐ 324) ---------------------

SHIPPED_CITIZEN_IDS = [i for i in SETS if SETS[i].title == "CITIZEN"]


@pytest.mark.parametrize("set_id", SHIPPED_CITIZEN_IDS)
@pytest.mark.parametrize(
    ("total", "low", "status"),
    [
        (80, None, "recognised"),
        (79, None, "not_recognised"),
        (85, 4, "not_recognised"),
        (85, 5, "recognised"),
        (100, None, "recognised"),
    ],
)
def test_shipped_citizen_sets_decide_on_both_sides_of_80_and_5(set_id, total, low, status):
    verdict = assess(SETS[set_id], _points(total, low=low))
    assert (verdict.status, verdict.total, verdict.level) == (status, total, None)
    assert verdict.provisional and not verdict.decided_by_meeting
    # the maxima stay unknown and said so; nothing else is
    assert set(verdict.unknown_parameters) == {f"i{n}.max_points" for n in range(1, 11)}
    assert "Nền tảng chưa có số liệu điểm tối đa của chỉ số “" in " ".join(_messages(verdict))
    if low == 4:
        assert "below_floor" in _keys(verdict)
    if total == 79:
        assert "Tổng điểm 79, thấp hơn mức đạt 80 điểm." in _messages(verdict)
    if status == "recognised":
        assert "Tổng điểm" in verdict.reasons[0].message and "đạt mức 80" in _messages(verdict)[0]


@pytest.mark.parametrize("set_id", SHIPPED_CITIZEN_IDS)
def test_shipped_citizen_points_above_100_in_all_are_refused(set_id):
    assess(SETS[set_id], _points(100))  # exactly 100: fine, even with 60 on one indicator
    assess(SETS[set_id], _points(100, low=55))
    with pytest.raises(AssessmentError, match="Tổng điểm 101 vượt quá tổng điểm tối đa 100"):
        assess(SETS[set_id], _points(101))
    with pytest.raises(AssessmentError):
        assess(SETS[set_id], {"i1": 101})  # alone, already above the set's total


def test_shipped_citizen_missing_indicator_still_waits():
    scores = _points(90)
    del scores["i10"]
    verdict = assess(SETS["qd324-citizen-2024-rural"], scores)
    assert verdict.status == "undecidable" and verdict.missing == ("i10",)


def test_a_criterions_known_maximum_bounds_its_indicators_with_unknown_maxima():
    criteria_set = _meeting_set(criterion_max=20)
    with pytest.raises(AssessmentError, match="vượt quá điểm tối đa 20 của tiêu chí"):
        assess(criteria_set, {"c1.i1": 15, "c1.i2": 6, "c2.i1": True})
    assess(criteria_set, {"c1.i1": 14, "c1.i2": 6, "c2.i1": True})


# --- the review meeting decides where the pass mark is not public ---------------------------------


def _meeting_set(
    criterion_max: int | None = None, levels: list[dict] | None = None, meeting: bool = True
):
    """A set whose pass mark is not public: two points indicators (one with a known floor of 3,
    one with no known floor), a met indicator, and the meeting standing in."""
    return parse_set(
        {
            "id": "meeting",
            "title": "FAMILY",
            "issuer": "x",
            "decision": {"number": "1"},
            "valid_from": 2016,
            "valid_to": None,
            "provisional": True,
            "provisional_reason": "Điểm đạt chưa công bố.",
            "meeting_decides": meeting,
            "sources": ["x"],
            "total_points": 100,
            "pass_mark": None,
            "levels": levels or [],
            "criteria": [
                {
                    "id": "c1",
                    "name": "Tiêu chí 1",
                    "max_points": criterion_max,
                    "indicators": [
                        {
                            "id": "c1.i1",
                            "kind": "points",
                            "name": "Một",
                            "max_points": None,
                            "min_points": 3,
                        },
                        {
                            "id": "c1.i2",
                            "kind": "points",
                            "name": "Hai",
                            "max_points": None,
                            "min_points": None,
                        },
                    ],
                },
                {
                    "id": "c2",
                    "name": "Tiêu chí 2",
                    "indicators": [{"id": "c2.i1", "kind": "met", "name": "Ba"}],
                },
            ],
        }
    )


MEETING_FULL = {"c1.i1": 30, "c1.i2": 40, "c2.i1": True}


def test_the_meeting_agreeing_recognises_provisionally():
    verdict = assess(_meeting_set(), MEETING_FULL, meeting_agrees=True)
    assert (verdict.status, verdict.level, verdict.total) == ("recognised", None, 70)
    assert verdict.decided_by_meeting and verdict.provisional
    assert {"pass_mark", "c1.i2.min_points"} <= set(verdict.unknown_parameters)
    assert "decided_by_meeting" in _keys(verdict)
    assert any(
        "hội nghị bình xét đã biểu quyết đồng ý" in m and "(tạm thời)" in m
        for m in _messages(verdict)
    )


def test_the_meeting_disagreeing_is_not_recognised():
    verdict = assess(_meeting_set(), MEETING_FULL, meeting_agrees=False)
    assert verdict.status == "not_recognised" and verdict.decided_by_meeting
    assert "Hội nghị bình xét không đồng ý đề nghị công nhận." in _messages(verdict)


def test_without_a_vote_the_verdict_waits_for_the_meeting():
    verdict = assess(_meeting_set(), MEETING_FULL)
    assert verdict.status == "undecidable" and not verdict.decided_by_meeting
    assert any("chờ hội nghị bình xét biểu quyết" in m for m in _messages(verdict))


@pytest.mark.parametrize("vote", [True, False, None])
@pytest.mark.parametrize(
    "failure", [{"c1.i1": 2}, {"c2.i1": False}], ids=["below-known-floor", "not-met"]
)
def test_a_definite_failure_beats_the_meeting(vote, failure):
    verdict = assess(_meeting_set(), MEETING_FULL | failure, meeting_agrees=vote)
    assert verdict.status == "not_recognised" and not verdict.decided_by_meeting
    assert "meeting_disagrees" not in _keys(verdict)


def test_at_the_known_floor_the_meeting_decides():
    verdict = assess(_meeting_set(), MEETING_FULL | {"c1.i1": 3}, meeting_agrees=True)
    assert verdict.status == "recognised" and verdict.decided_by_meeting


@pytest.mark.parametrize("vote", [True, False])
def test_missing_answers_stay_undecidable_whatever_the_meeting_says(vote):
    answers = {k: v for k, v in MEETING_FULL.items() if k != "c1.i2"}
    verdict = assess(_meeting_set(), answers, meeting_agrees=vote)
    assert verdict.status == "undecidable" and verdict.missing == ("c1.i2",)
    assert not verdict.decided_by_meeting


def test_the_meeting_gives_level_1_only():
    levels = [{"level": 1, "name": "Mức độ 1"}, {"level": 2, "name": "Mức độ 2"}]
    verdict = assess(_meeting_set(levels=levels), MEETING_FULL, meeting_agrees=True)
    assert (verdict.status, verdict.level) == ("recognised", 1)
    assert "level_undecidable" in _keys(verdict)
    assert "Mức độ 1 theo biểu quyết của hội nghị bình xét." in _messages(verdict)


def test_a_vote_does_not_decide_under_a_set_without_meeting_decides():
    plain = _meeting_set(meeting=False)
    assert assess(plain, MEETING_FULL, meeting_agrees=True).status == "undecidable"
    assert assess(TT44, _tt44_points(90), meeting_agrees=True).status == "undecidable"
    # a rule that decides is not overturned by the vote
    citizen = SETS["qd324-citizen-2024-rural"]
    assert assess(citizen, _points(90), meeting_agrees=False).status == "recognised"
    assert assess(citizen, _points(79), meeting_agrees=True).status == "not_recognised"


def test_a_vote_does_not_override_a_known_pass_mark():
    known = replace(_meeting_set(), pass_mark=80)
    answers = MEETING_FULL | {"c1.i2": 40}  # 70 < 80
    assert assess(known, answers, meeting_agrees=True).status == "not_recognised"
