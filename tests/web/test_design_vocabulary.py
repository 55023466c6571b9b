"""docs/design.md is the design's vocabulary: a template may use only the classes it names.

A class made from a prefix and a value (`badge-{{ state }}`) counts by its prefix, which the
guide names with the kinds it allows (`badge-valid`, `banner-ok`…)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESIGN = (ROOT / "docs" / "design.md").read_text()
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
JINJA = re.compile(r"{{.*?}}|{%.*?%}")
# A prefix completed by an expression that picks among literal words: `banner-{{ 'ok' if … }}`.
PREFIX_CHOICE = re.compile(r"([A-Za-z][\w-]*-){{(.*?)}}")
LITERAL = re.compile(r"'([\w-]+)'|\"([\w-]+)\"")
COMPARED = re.compile(r"(?:==|!=|\bin)\s*(?:'[^']*'|\"[^\"]*\")")  # a value tested, not chosen


def template_classes() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in (ROOT / "templates").rglob("*.html"):
        for value in CLASS_ATTRIBUTE.findall(path.read_text()):
            for prefix, expression in PREFIX_CHOICE.findall(value):
                for quoted in LITERAL.findall(COMPARED.sub(" ", expression)):
                    used.setdefault(prefix + "".join(quoted), set()).add(
                        path.relative_to(ROOT).as_posix())
            for name in JINJA.sub(" ", value).split():
                if name not in ("{{", "}}"):
                    used.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return used


def named_in_design(name: str) -> bool:
    if name.endswith("-"):  # a prefix completed by a template value
        return re.search(rf"(?<![\w-]){re.escape(name)}\w", DESIGN) is not None
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", DESIGN) is not None


def test_templates_use_only_classes_the_design_guide_names():
    unnamed = {name: sorted(paths) for name, paths in template_classes().items()
               if not named_in_design(name)}
    assert unnamed == {}


def test_the_check_sees_the_templates_classes_and_refuses_an_unknown_one():
    used = template_classes()
    assert {"banner", "badge", "flash", "banner-ok", "banner-danger"} <= used.keys()
    assert not named_in_design("listing") and named_in_design("badge-")
