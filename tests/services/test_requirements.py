"""The requirement engine: BLS versus lay CPR, validity dates, guideline bases, parsing."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from app.models.vocab import guidelines_to_mask, topics_to_mask
from app.services.catalog.requirements import (
    PRESETS,
    Requirement,
    check,
    course_meets,
    covers,
    covers_sql,
    parse_requirement,
)
from app.services.errors import Invalid

TODAY = date(2026, 6, 1)


def card(level, topics, guidelines, issued_on=date(2025, 6, 1), expires_on=date(2027, 6, 30),
         revoked_reason=None, revocation_category=None):
    revoked_at = datetime(2026, 1, 1) if revoked_reason is not None else None
    return SimpleNamespace(
        level=level, topics=list(topics), guidelines=list(guidelines), issued_on=issued_on,
        expires_on=expires_on, revoked_at=revoked_at, revoked_reason=revoked_reason,
        revocation_category=revocation_category,
    )


def heartsaver_cpr_aed(**dates):
    return card("lay_rescuer", ["adult_cpr", "aed"], ["AHA", "ECC", "ILCOR"], **dates)


def arc_professional_rescuer(**dates):
    topics = ["adult_cpr", "child_cpr", "infant_cpr", "aed", "team_cpr", "bag_valve_mask"]
    return card("healthcare_provider", topics, ["ARC", "ILCOR"], **dates)


def bls():
    return parse_requirement("bls", TODAY)


def test_heartsaver_cpr_aed_card_does_not_meet_bls():
    result = check(heartsaver_cpr_aed(), bls())
    assert not result.meets
    assert result.reasons == [
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS).",
        "Missing topics: child CPR, infant CPR.",
    ]


def test_red_cross_professional_rescuer_card_meets_bls():
    result = check(arc_professional_rescuer(), bls())
    assert result.meets
    assert result.reasons == []


def test_lay_card_with_every_bls_topic_still_fails_on_level_alone():
    lay = card("lay_rescuer", ["adult_cpr", "child_cpr", "infant_cpr", "aed"], ["AHA"])
    result = check(lay, bls())
    assert not result.meets
    assert result.reasons == [
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS)."
    ]


def test_bls_card_meets_workplace_cpr_aed_because_a_higher_level_satisfies_a_lower():
    assert check(arc_professional_rescuer(), parse_requirement("workplace_cpr_aed", TODAY)).meets


def test_heartsaver_card_meets_workplace_cpr_aed():
    assert check(heartsaver_cpr_aed(), parse_requirement("workplace_cpr_aed", TODAY)).meets


def test_expired_card_says_when_it_expired():
    result = check(arc_professional_rescuer(expires_on=date(2026, 1, 31)), bls())
    assert not result.meets
    assert result.reasons == ["Expired on 2026-01-31."]


def test_card_is_valid_through_its_expiry_date_inclusive():
    expiring = arc_professional_rescuer(expires_on=TODAY)
    assert check(expiring, bls()).meets
    assert not check(expiring, bls(), on_date=date(2026, 6, 2)).meets


def test_card_is_valid_from_its_issue_date_inclusive():
    issued_today = arc_professional_rescuer(issued_on=TODAY)
    assert check(issued_today, bls()).meets


def test_revoked_card_says_why_in_the_category_words_never_the_reason():
    result = check(arc_professional_rescuer(revoked_reason="Refunded, see ticket 4411",
                                            revocation_category="issued_in_error"), bls())
    assert not result.meets
    assert result.reasons == ["Revoked: issued in error."]


def test_revoked_card_without_a_category_reads_withdrawn():
    result = check(arc_professional_rescuer(revoked_reason=""), bls())
    assert result.reasons == ["Revoked: withdrawn."]


def test_card_not_yet_issued_on_the_requested_day():
    result = check(arc_professional_rescuer(issued_on=date(2027, 1, 1)), bls())
    assert not result.meets
    assert result.reasons == ["Not issued until 2027-01-01."]


def test_on_date_overrides_the_requirements_valid_on():
    past = parse_requirement({"level": "lay_rescuer", "topics": [], "valid_on": "2030-01-01"},
                             TODAY)
    assert not check(heartsaver_cpr_aed(), past).meets
    assert check(heartsaver_cpr_aed(), past, on_date=TODAY).meets


def test_bloodborne_preset_needs_an_osha_basis():
    requirement = parse_requirement("bloodborne_pathogens", TODAY)
    without_osha = card("lay_rescuer", ["bloodborne_pathogens"], ["AHA", "ECC"])
    with_osha = card("lay_rescuer", ["bloodborne_pathogens"], ["OSHA", "ECC"])
    result = check(without_osha, requirement)
    assert not result.meets
    assert result.reasons == ["Guideline basis is AHA, ECC; this requirement needs one of: OSHA."]
    assert check(with_osha, requirement).meets


def test_missing_guideline_basis_is_reported():
    requirement = parse_requirement("bloodborne_pathogens", TODAY)
    result = check(card("lay_rescuer", ["bloodborne_pathogens"], []), requirement)
    assert result.reasons == [
        "No guideline basis is recorded; this requirement needs one of: OSHA."
    ]


def test_every_failed_condition_gets_its_own_reason():
    wrecked = heartsaver_cpr_aed(expires_on=date(2026, 1, 31), revoked_reason="Fraud")
    reasons = check(wrecked, bls()).reasons
    assert len(reasons) == 4
    assert "Revoked: withdrawn." in reasons and "Expired on 2026-01-31." in reasons


def test_course_finder_ignores_dates_and_checks_level_and_topics():
    course = SimpleNamespace(level="lay_rescuer", topics=["adult_cpr", "child_cpr", "infant_cpr",
                                                          "aed", "first_aid"], guidelines=["AHA"])
    assert course_meets(course, parse_requirement("pediatric_cpr", TODAY)).meets
    result = course_meets(course, bls())
    assert not result.meets
    assert result.reasons == [
        "Level is Lay Rescuer; this requirement needs Healthcare Provider (BLS)."
    ]


def test_presets_match_the_design_table():
    assert list(PRESETS) == [
        "bls", "workplace_cpr_aed", "pediatric_cpr", "first_aid", "bloodborne_pathogens"
    ]
    assert PRESETS["bls"].label == "BLS (healthcare provider CPR)"
    assert PRESETS["bls"].requirement.as_dict() == {
        "level": "healthcare_provider",
        "topics": ["adult_cpr", "child_cpr", "infant_cpr", "aed"],
        "guidelines": [],
        "valid_on": None,
    }
    assert PRESETS["bloodborne_pathogens"].requirement.guidelines == {"OSHA"}
    assert all(not preset.requirement.guidelines for name, preset in PRESETS.items()
               if name != "bloodborne_pathogens")


def test_preset_valid_on_defaults_to_today():
    assert parse_requirement("first_aid", TODAY).valid_on == TODAY


def test_requirement_object_is_parsed():
    requirement = parse_requirement(
        {"level": "lay_rescuer", "topics": ["aed", "adult_cpr"], "guidelines": ["OSHA"],
         "valid_on": "2026-09-30"},
        TODAY,
    )
    assert requirement.as_dict() == {
        "level": "lay_rescuer", "topics": ["adult_cpr", "aed"], "guidelines": ["OSHA"],
        "valid_on": "2026-09-30",
    }
    assert parse_requirement({"level": "lay_rescuer", "topics": []}, TODAY).valid_on == TODAY


@pytest.mark.parametrize(
    "value",
    [
        "acls",
        "",
        "BLS",
        5,
        None,
        True,
        [],
        ["bls"],
        {"level": 3},
        {"level": 3, "topics": []},
        {"level": "expert", "topics": []},
        {"topics": ["aed"]},
        {"level": "lay_rescuer"},
        {"level": "lay_rescuer", "topics": "aed"},
        {"level": "lay_rescuer", "topics": ["cpr"]},
        {"level": "lay_rescuer", "topics": [["aed"]]},
        {"level": "lay_rescuer", "topics": [{"aed": 1}]},
        {"level": "lay_rescuer", "topics": [], "guidelines": ["NHS"]},
        {"level": "lay_rescuer", "topics": [], "guidelines": "OSHA"},
        {"level": "lay_rescuer", "topics": [], "valid_on": "2026-02-30"},
        {"level": "lay_rescuer", "topics": [], "valid_on": "20260201"},
        {"level": "lay_rescuer", "topics": [], "valid_on": "2026-W01-1"},
        {"level": "lay_rescuer", "topics": [], "valid_on": 20260201},
        {"level": "lay_rescuer", "topics": [], "topic": ["aed"]},
    ],
)
def test_bad_requirements_are_invalid(value):
    with pytest.raises(Invalid) as raised:
        parse_requirement(value, TODAY)
    assert list(raised.value.fields) == ["requirement"]
    assert raised.value.fields["requirement"][0]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
names = st.sampled_from(["adult_cpr", "aed", "OSHA", "AHA", "lay_rescuer", "healthcare_provider"])
near_requirements = st.fixed_dictionaries(
    {"level": names | json_values, "topics": st.lists(names) | json_values},
    optional={"guidelines": st.lists(names) | json_values,
              "valid_on": st.dates().map(date.isoformat) | json_values},
)


@settings(max_examples=200, deadline=None)
@given(json_values | near_requirements | st.sampled_from(list(PRESETS)))
def test_parse_requirement_returns_a_requirement_or_raises_invalid(value):
    try:
        requirement = parse_requirement(value, TODAY)
    except Invalid as invalid:
        assert invalid.fields and invalid.fields["requirement"]
    else:
        assert isinstance(requirement, Requirement)
        assert requirement.valid_on is not None


def test_requirement_refuses_unknown_names_when_built_in_code():
    with pytest.raises(ValueError):
        Requirement("lay_rescuer", frozenset({"cpr"}))


tagged = Table(
    "tagged", MetaData(),
    Column("name", String), Column("level", String),
    Column("topics_mask", Integer), Column("guidelines_mask", Integer),
)


def test_the_covers_rule_answers_the_same_in_sql_as_in_python():
    engine = create_engine("sqlite://")
    tagged.metadata.create_all(engine)
    cards = {
        "heartsaver": heartsaver_cpr_aed(),
        "arc_professional": arc_professional_rescuer(),
        "bbp_osha": card("lay_rescuer", ["bloodborne_pathogens"], ["OSHA"]),
        "bbp_aha": card("lay_rescuer", ["bloodborne_pathogens", "first_aid"], ["AHA"]),
        "first_aid": card("lay_rescuer", ["first_aid"], ["AHA", "ECC"]),
    }
    with engine.begin() as connection:
        connection.execute(insert(tagged), [
            {"name": name, "level": c.level, "topics_mask": topics_to_mask(c.topics),
             "guidelines_mask": guidelines_to_mask(c.guidelines)}
            for name, c in cards.items()
        ])
        for value in PRESETS:
            requirement = parse_requirement(value, TODAY)
            wanted = topics_to_mask(requirement.topics)
            query = select(tagged.c.name).where(
                covers_sql(tagged.c.level, tagged.c.topics_mask, requirement.level, wanted))
            selected = set(connection.scalars(query))
            expected = {name for name, c in cards.items()
                        if covers(c.level, topics_to_mask(c.topics), requirement.level, wanted)}
            assert selected == expected, value
            assert selected, value
