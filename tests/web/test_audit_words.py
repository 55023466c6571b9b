"""Every audit action the app records has a sentence on /admin/audit and the dashboard: a
static scan of app/ finds each code given to audit.record or audit.record_many (a literal, either
branch of a conditional, a local variable's values, or an f-string's listed expansions), so a
new code without words fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from app.web.audit_words import ACTION_WORDS, SUBJECT_WORDS, action_words

APP = Path(__file__).resolve().parents[2] / "app"
# An f-string code and the values its placeholder takes (the statuses its service can set).
EXPANSIONS = {
    "enrollment.{status}": ("enrolled", "waitlisted", "pending_payment"),  # holds.seat_status
    "payment.{status}": ("paid", "waived"),  # payments.record_payment
}


def _template(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else
                   "{" + ast.unparse(part.value) + "}" for part in node.values)


def _assigned(scope: ast.AST, name: str) -> list[ast.expr]:
    return [node.value for node in ast.walk(scope) if isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)]


def _codes(node: ast.expr, scope: ast.AST, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, scope, where) | _codes(node.orelse, scope, where)
    if isinstance(node, ast.Name) and _assigned(scope, node.id):
        return set().union(*(_codes(value, scope, where) for value in _assigned(scope, node.id)))
    if isinstance(node, ast.JoinedStr) and _template(node) in EXPANSIONS:
        template = _template(node)
        prefix = template.split("{")[0]
        return {prefix + value for value in EXPANSIONS[template]}
    raise AssertionError(f"{where}: cannot tell the audit code of {ast.unparse(node)!r}; "
                         f"write it as a literal or list an f-string's values in EXPANSIONS")


def _is_audit_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("record", "record_many")
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit")


def _calls_in(node: ast.AST, scope: ast.AST):
    """(enclosing function or module, call) for each audit call under node."""
    for child in ast.iter_child_nodes(node):
        inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope
        if _is_audit_call(child):
            yield inner, child
        yield from _calls_in(child, inner)


def audit_calls():
    """(where, enclosing scope, call) for every audit call in app/."""
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope, call in _calls_in(tree, tree):
            yield f"{path.relative_to(APP.parent)}:{call.lineno}", scope, call


def recorded_codes() -> dict[str, str]:
    """Each audit action code recorded in app/, with where it is recorded."""
    found: dict[str, str] = {}
    for where, scope, call in audit_calls():
        for code in _codes(call.args[2], scope, where):
            found.setdefault(code, where)
    return found


def test_the_scan_finds_the_codes_of_every_kind_of_call():
    codes = recorded_codes()
    assert {"roster_finalised", "holds.released", "course.deactivated", "outcome_corrected",
            "enrollment.waitlisted", "payment.waived"} <= codes.keys()
    assert len(codes) >= 60


def test_every_recorded_audit_action_has_a_sentence():
    missing = {code: where for code, where in recorded_codes().items()
               if code not in ACTION_WORDS}
    assert not missing, f"audit codes without a sentence in app/web/audit_words.py: {missing}"


def test_every_audited_subject_has_a_word():
    subjects = {call.args[3].value for _, _, call in audit_calls()
                if isinstance(call.args[3], ast.Constant)}
    assert subjects and subjects <= SUBJECT_WORDS.keys()


def test_a_sentence_reads_as_words_not_a_code(app):
    with app.test_request_context():
        assert action_words("payment.waived") == "waived a payment"
        assert action_words("enrollment.pending_payment") == "held a seat while paying online"
        assert all("_" not in str(words) and "." not in str(words)
                   for words in ACTION_WORDS.values())
