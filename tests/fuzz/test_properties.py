"""Property tests (hypothesis) on the parsers that read what people type or send: certificate
codes, requirements and imported CSV files. Whatever the input, they answer or refuse with a
domain error; they never raise anything else."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, assume, event, given, settings

from app.models.vocab import GUIDELINES, LEVELS, TOPICS
from app.routing import digits_up_to
from app.services.catalog.requirements import PRESETS, Requirement, parse_requirement
from app.services.certificates import codes
from app.services.errors import Invalid, MistypedCode, NotFound
from app.services.records import importing
from app.services.verification.lookup import find_by_code
from tests import factories

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
FAST = settings(max_examples=150, deadline=None)
WITH_DB = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FORMATTED = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")

symbols = st.text(alphabet=codes.ALPHABET, min_size=15, max_size=15)
lifeline_codes = symbols.map(lambda first15: codes.format_code(first15 + codes.check_symbol(first15)))
# Text near the code alphabet (where mistakes are subtle), and any text at all.
code_like_text = st.one_of(
    st.text(alphabet=codes.ALPHABET + "-OILoil ._\t\n", max_size=24),
    st.text(max_size=80),
)


@st.composite
def as_typed(draw, code: str) -> str:
    """A code as a person might type it: any case, spaces or hyphens anywhere, O for 0, I/L for 1."""
    typed = []
    for symbol in code.replace("-", ""):
        if symbol == "0" and draw(st.booleans()):
            symbol = "O"
        elif symbol == "1" and draw(st.booleans()):
            symbol = draw(st.sampled_from("IL"))
        typed.append(symbol.lower() if draw(st.booleans()) else symbol)
        typed.append(draw(st.sampled_from(["", "", "", " ", "-", "  "])))
    return draw(st.sampled_from(["", " ", "\t"])) + "".join(typed) + draw(st.sampled_from(["", "\n"]))


# What a UTF-8 file can hold (no lone surrogates). NUL is left to its own test below.
file_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


def cell(good: st.SearchStrategy, bad: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Usually a plausible value, now and then anything (any file text by default)."""
    return st.one_of(good, good, good, good, bad if bad is not None else file_text)


# --- codes.normalise and codes.lookup_keys ---------------------------------------------

@FAST
@given(code_like_text)
def test_normalising_is_idempotent_and_leaves_no_separators(text):
    once = codes.normalise(text)
    assert codes.normalise(once) == once
    assert "-" not in once and not any(c.isspace() for c in once)
    assert once == once.upper()


@FAST
@given(code_like_text)
def test_lookup_keys_never_fail_and_agree_with_each_other(text):
    keys = codes.lookup_keys(text)
    assert not (keys.mistyped and keys.formatted)
    if keys.formatted is not None:
        assert FORMATTED.fullmatch(keys.formatted)
        assert codes.is_valid(keys.formatted.replace("-", ""))
    if keys.exact is not None:
        assert keys.exact == text.strip() and codes.is_legacy_code_acceptable(keys.exact)


@FAST
@given(st.data(), lifeline_codes)
def test_a_code_typed_loosely_still_reads_as_itself(data, code):
    typed = data.draw(as_typed(code))
    assert codes.lookup_keys(typed).formatted == code


@FAST
@given(lifeline_codes, st.integers(0, 15), st.sampled_from(codes.ALPHABET))
def test_one_wrong_symbol_is_always_caught_as_mistyped(code, position, replacement):
    bare = code.replace("-", "")
    assume(bare[position] != replacement)
    wrong = bare[:position] + replacement + bare[position + 1:]
    keys = codes.lookup_keys(wrong)
    assert keys.mistyped and keys.formatted is None


@FAST
@given(lifeline_codes, st.integers(0, 14))
def test_swapping_two_neighbours_is_always_caught_as_mistyped(code, position):
    bare = code.replace("-", "")
    assume(bare[position] != bare[position + 1])
    swapped = bare[:position] + bare[position + 1] + bare[position] + bare[position + 2:]
    assert codes.lookup_keys(swapped).mistyped


# --- verification.find_by_code ----------------------------------------------------------

@pytest.fixture
def stored(db):
    """Two stored certificates: a Lifeline code and a legacy one."""
    course = factories.CourseFactory()
    lifeline = factories.CertificateFactory(course=course)
    legacy = factories.CertificateFactory(course=course, code="rc.88231-B")
    return lifeline, legacy


@st.composite
def near_misses(draw, code: str) -> str:
    """A stored code with one symbol changed, dropped or added."""
    at = draw(st.integers(0, len(code) - 1))
    change = draw(st.sampled_from([codes.ALPHABET[draw(st.integers(0, 31))], "", code[at] * 2]))
    return code[:at] + change + code[at + 1:]


@WITH_DB
@given(data=st.data())
def test_finding_any_text_answers_a_certificate_mistyped_or_not_found(stored, data):
    stored_code = data.draw(st.sampled_from([c.code for c in stored]))
    text = data.draw(st.one_of(code_like_text, lifeline_codes, near_misses(stored_code),
                               as_typed(stored_code)))
    try:
        certificate = find_by_code(factories.db.session, text)
    except (MistypedCode, NotFound) as refusal:
        event(refusal.code)
        assert refusal.status in (400, 404)
        return
    event("found")
    assert certificate.code in {c.code for c in stored}


@WITH_DB
@given(data=st.data())
def test_a_stored_code_is_found_however_it_is_typed(stored, data):
    lifeline, legacy = stored
    assert find_by_code(factories.db.session, data.draw(as_typed(lifeline.code))).id == lifeline.id
    spaced = data.draw(st.sampled_from(["", " ", "\t"])) + legacy.code + data.draw(st.sampled_from(["", " "]))
    assert find_by_code(factories.db.session, spaced).id == legacy.id


# --- requirements.parse_requirement -----------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
requirement_like = st.fixed_dictionaries(
    {"level": cell(st.sampled_from(LEVELS), json_values),
     "topics": cell(st.lists(st.sampled_from(TOPICS), max_size=4), json_values)},
    optional={
        "guidelines": cell(st.lists(st.sampled_from(GUIDELINES), max_size=3), json_values),
        "valid_on": cell(st.dates().map(date.isoformat), st.text(max_size=12) | json_values),
    },
).flatmap(lambda given_json: st.one_of(
    st.just(given_json),
    st.dictionaries(st.text(max_size=10), json_values, max_size=2).map(lambda extra: {**extra, **given_json}),
    st.sampled_from(sorted(given_json)).map(lambda key: {k: v for k, v in given_json.items() if k != key}),
))
valid_requirements = st.builds(
    Requirement,
    level=st.sampled_from(LEVELS),
    topics=st.frozensets(st.sampled_from(TOPICS)),
    guidelines=st.frozensets(st.sampled_from(GUIDELINES)),
    valid_on=st.dates(),
)


@FAST
@given(st.one_of(json_values, requirement_like, st.sampled_from(list(PRESETS))))
def test_any_json_is_a_requirement_or_one_invalid_field(value):
    try:
        requirement = parse_requirement(value, TODAY)
    except Invalid as refusal:
        event("invalid")
        assert refusal.status == 422 and refusal.code == "invalid"
        assert list(refusal.fields) == ["requirement"] and all(refusal.fields["requirement"])
        return
    event("parsed")
    assert isinstance(requirement, Requirement) and requirement.valid_on is not None


@FAST
@given(valid_requirements)
def test_a_requirement_reads_back_from_its_own_json(requirement):
    given_json = {key: value for key, value in requirement.as_dict().items()}
    assert parse_requirement(given_json, TODAY) == requirement


# --- importing: read_records, check, import_text ---------------------------------------

def rows(course_code: str) -> st.SearchStrategy:
    return st.fixed_dictionaries({
        "code": cell(st.one_of(lifeline_codes, st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True))),
        "holder_name": cell(st.sampled_from(["Maria Gonzalez", "Tom Becker", ""])),
        "holder_email": cell(st.sampled_from(["maria@example.org", "tom@example.test", "x@"])),
        "course_code": cell(st.sampled_from([course_code, "NO-SUCH"])),
        "issued_on": cell(st.dates(date(2000, 1, 1), date(2027, 12, 31)).map(date.isoformat)),
        "expires_on": cell(st.one_of(st.just(""), st.dates().map(date.isoformat))),
        "instructor_name": cell(st.just("Priya Nair")),
        "external_issuer": cell(st.sampled_from(["", "AHA"])),
        "external_id": cell(st.sampled_from(["", "194512003371"])),
        "status": cell(st.sampled_from(["", "valid", "expired", "revoked", "REVOKED"])),
        "revoked_reason": cell(st.sampled_from(["", "Fraud"])),
    })


@st.composite
def csv_files(draw, course_code: str) -> list[str]:
    """A CSV file as lines (read as the command line reads them), sometimes damaged."""
    header = draw(st.one_of(st.just(list(importing.COLUMNS)), st.just(list(importing.COLUMNS)),
                            st.permutations(importing.COLUMNS),
                            st.lists(st.sampled_from([*importing.COLUMNS, "nonsense"]), max_size=12)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in draw(st.lists(rows(course_code), max_size=6)):
        writer.writerow([row.get(name, "") for name in header])
    text = out.getvalue()
    damage = draw(st.sampled_from(["none", "none", "none", "none", "truncate", "insert", "quote"]))
    if damage == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(file_text) + text[at:]
    elif damage == "quote":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    return io.StringIO(text, newline="").readlines()


@pytest.fixture
def course(db):
    return factories.CourseFactory(code="BLS-HCP")


@WITH_DB
@given(data=st.data())
def test_importing_any_file_imports_everything_or_lists_numbered_errors(course, data):
    lines = data.draw(csv_files(course.code))
    dry_run = data.draw(st.booleans())
    plan, summary = importing.import_text(
        factories.db.session, lines, actor=None, now=NOW, today=TODAY,
        training_center="Lifeline Training Center", dry_run=dry_run, source="fuzz")
    event("refused with errors" if plan.errors else "dry run" if dry_run else "imported")
    if plan.errors:
        assert summary is None
        last_line = max(len(lines), 1) + 1
        assert all(1 <= error.line <= last_line and str(error).startswith(f"line {error.line}: ")
                   for error in plan.errors)
        return
    assert summary is not None and summary.dry_run == dry_run
    assert summary.imported + summary.skipped == plan.total
    if not dry_run:
        for values in plan.certificates:
            assert find_by_code(factories.db.session, values["code"]).holder_name == values["holder_name"]


def test_a_nul_character_in_a_cell_is_a_line_error(db, course):
    lines = [",".join(importing.COLUMNS) + "\n",
             "LEG-1,Ann\x00 Lee,ann@example.org,BLS-HCP,2025-01-01,,,,,,\n"]
    plan, summary = importing.import_text(
        factories.db.session, lines, actor=None, now=NOW, today=TODAY,
        training_center="Lifeline Training Center", source="fuzz")
    assert summary is None
    assert [str(error) for error in plan.errors] == ["line 2: holder_name holds a NUL character"]


@FAST
@given(st.text(max_size=200))
def test_reading_any_text_as_csv_gives_records_or_line_errors(text):
    records, errors = importing.read_records(io.StringIO(text, newline="").readlines())
    assert all(error.line >= 1 for error in errors)
    assert all(set(record.fields) == set(importing.COLUMNS) for record in records)


# --- the URL rule for record ids --------------------------------------------------------

@FAST
@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_the_record_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit, number):
    assert bool(re.fullmatch(digits_up_to(limit), str(number))) == (number <= limit)
