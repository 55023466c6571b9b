"""Requests are checked against the very schemas the OpenAPI document publishes, and each
schema error is answered as a per-field message of one 422 `invalid`."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app import create_app
from app.api import validation
from app.api.schemas import COMPONENTS, VISIBLE, WHITESPACE
from app.api.validation import SHAPE_REFUSAL
from config import TestConfig
from tests import factories


def invalid_fields(response) -> dict:
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "invalid" and body["message"].startswith(SHAPE_REFUSAL)
    return body["fields"]


def test_the_whitespace_of_the_published_pattern_is_what_python_strips():
    spelled = re.compile(f"[{WHITESPACE}]")
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        assert bool(spelled.fullmatch(character)) == character.isspace(), hex(code)
    assert not re.search(VISIBLE, " \u3000\t") and re.search(VISIBLE, " x ")


def test_every_documented_request_is_the_schema_its_route_checks(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if spec is None or spec["request"] is None:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            published = document["paths"][path][method.lower()]["requestBody"]
            assert published["content"]["application/json"]["schema"] == spec["request"]
            Draft202012Validator.check_schema(spec["request"])
            checked += 1
    assert checked >= 10


def test_blank_or_nul_text_is_refused_by_field(client):
    fields = invalid_fields(client.post("/api/v1/tokens", json={"email": " ", "password": "a\x00"}))
    assert fields == {"email": ["Must be a non-empty string without NUL characters."],
                      "password": ["Must be a non-empty string without NUL characters."]}


@pytest.mark.parametrize("query", ["to=notadate", "to=", "from=0042-04-05", "to=2026-02-30",
                                   "page=0", "page=abc", "level=", "per_page=101"])
def test_a_query_the_document_refuses_is_422(client, query):
    name = query.partition("=")[0]
    assert name in invalid_fields(client.get(f"/api/v1/sessions?{query}"))


def test_a_query_the_document_allows_is_answered(client):
    response = client.get("/api/v1/sessions?from=2026-01-01&to=9000-12-30&page=2&per_page=100")
    assert response.status_code == 200 and response.get_json()["next_page"] is None


def test_nested_errors_name_the_nested_field(client, api_token):
    class_session = factories.ClassSessionFactory()
    fields = invalid_fields(client.post(
        f"/api/v1/sessions/{class_session.id}/completions",
        headers=api_token(class_session.instructor),
        json={"results": [{"enrollment_id": 1, "outcome": "passed"},
                          {"enrollment_id": "1", "outcome": "excellent", "score": 101}],
              "finalise": None}))
    assert fields == {"results[1].enrollment_id": ["Must be a whole number."],
                      "results[1].outcome": ["Must be one of: passed, failed, no_show."],
                      "results[1].score": ["Must be at most 100."],
                      "finalise": ["Must be true or false."]}


def test_a_requirement_is_checked_in_the_shape_it_was_meant_as(client):
    code = factories.CertificateFactory().code
    preset = invalid_fields(client.post("/api/v1/requirements/check",
                                        json={"code": code, "requirement": "nursing"}))
    assert preset["requirement"][0].startswith("Must be one of: bls,")
    shaped = invalid_fields(client.post("/api/v1/requirements/check", json={
        "code": code, "requirement": {"level": "lay_rescuer", "topics": ["x"], "extra": 1}}))
    assert set(shaped) == {"requirement.topics[0]", "requirement.extra"}


@pytest.mark.parametrize("starts_at", ["2030-01-01T10:00:00", "2030-01-01T10:00+00:00",
                                       "20300101T100000Z", "2030-01-01 10:00:00+00:00",
                                       "0001-01-01T00:00:00+05:00"])
def test_times_are_rfc_3339_with_an_offset(client, api_token, starts_at):
    class_session = factories.ClassSessionFactory()
    response = client.patch(f"/api/v1/sessions/{class_session.id}", json={"starts_at": starts_at},
                            headers=api_token(factories.admin()))
    assert "starts_at" in invalid_fields(response)


def test_a_lower_case_rfc_3339_time_is_read(client, api_token):
    class_session = factories.ClassSessionFactory()
    start = class_session.starts_at.strftime("%Y-%m-%dt%H:%M:%S.5z")
    response = client.patch(f"/api/v1/sessions/{class_session.id}", json={"starts_at": start},
                            headers=api_token(factories.admin()))
    assert response.status_code == 200, response.get_json()


# --- the compiled (Rust) validator may only ever be the stricter of the two ----------------

TRICKY_TEXT = ["", " ", "x", "x\n", "\nx", "a\x00b", "\u2028", "bls", "2026-12-01", "2026-02-30",
               "1899-12-31", "9001-01-01", "2026-12-01T14:00:00+00:00", "2026-12-01T14:00:00",
               "2026-12-01t14:00:00z", "2026-12-01T24:00:00Z", "K7M2-QZ9T-X4HW-0RND", "x" * 201]
TRICKY_VALUES = st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=8), st.integers(),
                          st.sampled_from([1.0, 0.5, float("nan"), 10**30, True, None, [], {}]))


def instances(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values near the schema's shape: mostly what it asks for, often just off it."""
    if "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        return st.one_of(*(instances(branch, depth) for branch in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "object" and depth < 3:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {name: instances(part, depth + 1) for name, part in properties.items()
             if name in required},
            optional={**{name: instances(part, depth + 1) for name, part in properties.items()
                         if name not in required}, "unknown": TRICKY_VALUES})
    if kind == "array" and depth < 3:
        return st.lists(instances(schema.get("items", {}), depth + 1), max_size=4)
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), TRICKY_VALUES)
    if kind == "integer":
        return st.one_of(st.integers(schema.get("minimum", -5) - 2,
                                     schema.get("maximum", 5000) + 2), TRICKY_VALUES)
    return TRICKY_VALUES


def documented_schemas() -> list[tuple[str, dict]]:
    app = create_app(TestConfig)
    return [(f"{endpoint} {part}", view.openapi[part])
            for endpoint, view in sorted(app.view_functions.items())
            for part in ("request", "query") if getattr(view, "openapi", {}).get(part)]


@pytest.mark.parametrize(("name", "schema"), documented_schemas())
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_whatever_the_compiled_validator_lets_through_the_python_one_does(name, schema, data):
    instance = data.draw(instances(schema))
    if validation._passes_compiled(instance, schema):
        assert validation.validator_for(schema).is_valid(instance), (name, instance)
