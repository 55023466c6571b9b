"""The access-control matrix: every registered route × every role against a table of who may
call it. Routes come from the URL map, so a new route without a row here fails the test.

Refusals must take the documented form: an anonymous page visitor is sent to /login, an
anonymous API caller gets 401; a role that may never call the route gets 403; another
user's private record is 404 (403 for an instructor and a class they do not teach).
Allowed calls must not be refused and never answer 5xx. No answer may show a person's name
or e-mail address to someone who has no business seeing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.security.conftest import ROLES, World, build_world

ALLOW, LOGIN = "allowed", "sent to /login"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
ROLE_OF = {"learner": "learner", "other_learner": "learner", "instructor": "instructor",
           "other_instructor": "instructor", "employer": "employer",
           "other_employer": "employer", "admin": "admin"}
# Run last, in this order: they end the caller's token, browser session, or both.
LAST = ("api.revoke_current_token", "auth.logout", "account.sign_out_everywhere")


@dataclass(frozen=True)
class Policy:
    """Who may call a route; `refused` names actors refused for the record the URL names."""

    roles: frozenset[str] | None  # None: anyone, signed in or not
    refused: dict[str, int] = field(default_factory=dict)

    def expect(self, actor: str) -> str | int:
        if actor in self.refused:
            return self.refused[actor]
        if self.roles is None or (actor != "anonymous" and ROLE_OF[actor] in self.roles):
            return ALLOW
        return LOGIN if actor == "anonymous" else 403


def public() -> Policy:
    return Policy(None)


def roles(*names: str, **refused: int) -> Policy:
    return Policy(frozenset(names), refused)


SIGNED_IN = roles(*set(ROLE_OF.values()))
ADMIN = roles("admin")
TEACHER = roles("instructor", "admin", other_instructor=403)  # the session's instructor
ORGANISATION = roles("employer", other_employer=404)  # the world's order is the employer's
ORGANISATION_OR_STAFF = roles("employer", "admin", other_employer=404)

EXPECTED: dict[str, Policy] = {
    # public pages
    "static": public(), "public.index": public(), "public.session_page": public(),
    "public.session_calendar": public(),
    "learner.enroll_page": public(), "verify.lookup": public(), "verify.show": public(),
    "auth.login": public(), "auth.register": public(), "auth.forgot_password": public(),
    "auth.reset_password": public(), "auth.logout": public(),
    "mail_links.confirm_unsubscribe": public(), "mail_links.unsubscribe": public(),
    "auth.change_password": SIGNED_IN, "account.confirm_password": SIGNED_IN,
    "account.sign_out_everywhere": SIGNED_IN,
    # learner
    "learner.me": roles("learner"), "learner.reminder_settings": roles("learner"),
    "learner.language_setting": roles("learner"),
    "learner.enroll": roles("learner"),
    "learner.cancel": roles("learner", other_learner=404),
    "learner.confirm_cancel": roles("learner", other_learner=404),
    # instructor
    "instructor.index": roles("instructor", "admin"),
    "instructor.roster_page": TEACHER, "instructor.record_outcomes": TEACHER,
    "instructor.record_external_card": TEACHER,
    # employer
    "employer.dashboard": roles("employer"), "employer.checks": roles("employer"),
    "employer.run_checks": roles("employer"), "employer.save_to_watch_list": roles("employer"),
    "employer.watch_list_csv": roles("employer"),
    "employer.remove_from_watch_list": roles("employer", other_employer=404),
    "employer.confirm_removal": roles("employer", other_employer=404),
    # API: anyone
    "api.health": public(), "api.openapi_document": public(), "api.list_courses": public(),
    "api.list_sessions": public(), "api.show_session": public(),
    "api.show_certificate": public(), "api.wallet_card": public(),
    "api.certificate_credential": public(), "api.issuer_profile": public(),
    "api.revocation_status_list": public(), "api.verify_credential": public(),
    "verify.check_credential": public(),
    "api.check_requirement": public(), "api.list_presets": public(), "api.create_token": public(),
    "api.revoke_current_token": SIGNED_IN, "api.show_me": SIGNED_IN,
    "api.change_my_password": SIGNED_IN,
    # API: by role
    "api.create_course": ADMIN, "api.create_session": ADMIN, "api.change_session": ADMIN,
    "api.cancel_session": ADMIN, "api.revoke": ADMIN, "api.reissue": ADMIN,
    "api.create_enrollment": roles("learner"), "api.my_enrollments": roles("learner"),
    "api.my_certificates": roles("learner"),
    "api.cancel_enrollment": roles("learner", "admin", other_learner=404),
    "api.show_roster": TEACHER, "api.record_completions": TEACHER,
    "api.record_external_card": TEACHER,
    "api.verify_many": roles("employer", "admin"),
    # blended courses: the enrollment's learner, its session's instructor, staff
    "api.record_online_part": roles("learner", "instructor", "admin", other_learner=404,
                                    other_instructor=404),
    "api.load_keycodes": ADMIN,
    "calendar.instructor_feed": public(),  # the signed URL is the credential
    "lost_card.lookup": public(), "api.lookup_lost_card": public(),
    "blended.learner_online_part": roles("learner", other_learner=404),
    "blended.instructor_online_part": roles("instructor", "admin", other_instructor=404),
    "blended.confirm_online_part": roles("instructor", "admin", other_instructor=404),
    "blended.online_part_pdf": roles("learner", "instructor", "admin", other_learner=404,
                                     other_instructor=404),
    # payments: the world's enrollment is unpaid, so its receipt is 404 to everyone here
    # (tests/payments shows it to its learner and staff once paid)
    "payments.review": roles("learner"), "payments.confirm": roles("learner"),
    "payments.pay": roles("learner", other_learner=404),
    "payments.status": roles("learner", other_learner=404),
    "payments.receipt": roles("learner", "admin", learner=404, other_learner=404, admin=404),
    "api.receipt": roles("learner", "admin", learner=404, other_learner=404, admin=404),
    "api.stripe_webhook": public(), "api.record_payment": ADMIN,
    "api.create_promo_code": ADMIN, "api.list_promo_codes": ADMIN,
    # employers' orders and class requests (API-2.md §3)
    "orders.new_order": roles("employer"), "orders.place_order": roles("employer"),
    "orders.order_page": ORGANISATION, "orders.invite": ORGANISATION,
    "orders.resend": ORGANISATION, "orders.invoice": ORGANISATION,
    "orders.request_class": roles("employer"), "orders.redeem_page": public(),
    "orders.redeem": roles("learner"),
    "api.create_order": roles("employer"), "api.list_orders": roles("employer", "admin"),
    "api.show_order": ORGANISATION_OR_STAFF, "api.invite": ORGANISATION,
    "api.order_payment": ADMIN, "api.order_invoice": ORGANISATION_OR_STAFF,
    "api.create_class_request": roles("employer"),
    "api.list_class_requests": roles("employer", "admin"),
    "api.show_class_request": ORGANISATION_OR_STAFF, "api.schedule_class_request": ADMIN,
}
ADMIN_PREFIXES = ("admin.", "records.")  # every admin page and the records area


def policy_for(endpoint: str) -> Policy | None:
    if endpoint in EXPECTED:
        return EXPECTED[endpoint]
    return ADMIN if endpoint.startswith(ADMIN_PREFIXES) else None


# Who may see each private detail of the world: the person, staff who deal with them, and
# (for a holder's name) anyone shown the certificate by its code.
CODE_VIEWS = {"verify.show", "api.show_certificate", "api.wallet_card", "api.check_requirement"}
SEES = {
    "Lena Learnwell": {"learner", "instructor", "employer", "admin"},
    "lena@example.test": {"learner", "instructor", "admin"},
    # other_employer: Otto's card is on their organisation's (Elsewhere Hospital's) watch list
    "Otto Otherby": {"other_learner", "other_instructor", "other_employer", "admin"},
    "otto@example.test": {"other_learner", "other_instructor", "admin"},
    "Lena L. (ward 3)": {"employer", "admin"},
    "Otto O. (night shift)": {"other_employer", "admin"},
    "Olga Otherfirm": {"other_employer", "admin"},
    "olga@example.test": {"other_employer", "admin"},
    "Ward 3 training room": {"employer", "admin"},
}


def url_values(world: World, endpoint: str) -> dict:
    """Fill a route's URL parameters from the world (the learner's and instructor's records)."""
    return {
        "class_id": world.session.id, "enrollment_id": world.enrollment.id,
        "certificate_id": world.certificate.id, "code": world.certificate.code,
        "entry_id": world.entry.id, "user_id": world.users["other_learner"].id,
        "course_id": world.session.course_id, "notification_id": world.notification.id,
        "authorisation_id": world.authorisation.id, "name": "enrollments",
        "filename": "site.css", "feed_token": world.feed_token,
        "order_id": world.order.id,
        "request_id": world.class_request.id, "voucher": world.order.voucher_code,
        "organisation_id": world.order.organisation_id,
        "token": world.reset_token if endpoint.startswith("auth.") else world.unsubscribe_token,
    }


def body_for(world: World, endpoint: str) -> dict | None:
    """A valid body where an empty one would be refused before the ownership check."""
    if endpoint == "api.record_external_card":
        return {"issuer": "AHA", "id": "ECARD-1"}
    if endpoint == "instructor.record_external_card":
        return {"issuer": "AHA", "external_id": "ECARD-1"}
    if endpoint == "api.record_online_part":
        return {"completed_on": "2026-01-05", "certificate_id": "HC-1"}
    if endpoint in ("blended.learner_online_part", "blended.instructor_online_part"):
        return {"completed_on": "2026-01-05", "certificate_id": "HC-1"}
    if endpoint == "api.invite":
        return {"emails": ["new.hire@example.test"]}
    if endpoint == "orders.resend":
        return {"email": "new.hire@example.test"}
    if endpoint == "api.record_completions":
        return {"results": [{"enrollment_id": world.enrollment.id, "outcome": "passed"}]}
    return None


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    path: str
    api: bool


def calls(app, world: World) -> list[Call]:
    """Every route × method of the URL map, reads first and session-ending calls last."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            values = {name: value for name, value in url_values(world, rule.endpoint).items()
                      if name in rule.arguments}
            path = app.url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - SKIPPED_METHODS):
                found.append(Call(rule.endpoint, method, path, path.startswith("/api/")))
    last = {endpoint: place for place, endpoint in enumerate(LAST, start=1)}
    return sorted(found, key=lambda c: (last.get(c.endpoint, 0), c.method != "GET", c.path,
                                        c.method))


def test_every_route_has_a_row_in_the_expectation_table(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                      if policy_for(rule.endpoint) is None})
    assert not missing, f"routes with no access policy in the matrix: {', '.join(missing)}"
    stale = sorted(set(EXPECTED) - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"policies for routes that no longer exist: {', '.join(stale)}"


def _mismatch(call: Call, actor: str, expected, response) -> str | None:
    status = response.status_code
    location = urlsplit(response.headers.get("Location", "")).path
    if status >= 500:
        return f"server error {status}"
    if expected == ALLOW:
        if status in (401, 403, 404) or (status in (301, 302, 303) and location == "/login"):
            return f"refused ({status} {location})"
        return None
    if expected == LOGIN:
        if call.api:
            expected, code = 401, "unauthenticated"
        elif status in (302, 303) and location == "/login":
            return None
        else:
            return f"expected a redirect to /login, got {status} {location}"
    else:
        code = {403: "forbidden", 404: "not_found"}[expected]
    if status != expected:
        return f"expected {expected}, got {status}"
    if call.api and (response.get_json(silent=True) or {}).get("error") != code:
        return f"expected error {code!r}, got {response.get_data(as_text=True)[:120]!r}"
    return None


def _leaks(call: Call, actor: str, response) -> list[str]:
    """Private details the actor may not see, password hashes, API errors out of shape."""
    if call.endpoint == "static":
        return []
    body = response.get_data().decode("utf-8", "replace")
    leaks = [f"shows {detail!r}" for detail, allowed in SEES.items()
             if detail in body and actor not in allowed
             and not (detail == "Lena Learnwell" and call.endpoint in CODE_VIEWS)]
    if "$argon2" in body:
        leaks.append("shows a password hash")
    if call.api and response.status_code >= 400:
        error = response.get_json(silent=True)
        if not (isinstance(error, dict) and {"error", "message"} <= error.keys()):
            leaks.append(f"error not in the API.md shape: {body[:120]!r}")
    return leaks


@pytest.mark.parametrize("actor", ROLES)
def test_access_matrix(app, client, login, api_token, actor):
    world = build_world()
    user = world.user(actor)
    token = api_token(user) if user else {}
    problems = []
    for call in calls(app, world):
        expected = policy_for(call.endpoint).expect(actor)
        if user is not None and not call.api:
            login(user)  # again: an earlier call may have signed the browser out
        body = body_for(world, call.endpoint)
        send = {"json": body} if call.api else {"data": body}
        response = client.open(call.path, method=call.method,
                               headers=token if call.api else {}, **send)
        why = _mismatch(call, actor, expected, response)
        for problem in ([why] if why else []) + _leaks(call, actor, response):
            problems.append(f"{call.method} {call.path} ({call.endpoint}) as {actor}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_api_ignores_the_browser_session_cookie(client, login, world):
    login(world.users["learner"])
    assert client.get("/me").status_code == 200  # the cookie does sign the browser in
    for method, path in (("GET", "/api/v1/me/enrollments"),
                         ("DELETE", f"/api/v1/enrollments/{world.enrollment.id}")):
        answer = client.open(path, method=method)
        assert answer.status_code == 401 and answer.get_json()["error"] == "unauthenticated"
