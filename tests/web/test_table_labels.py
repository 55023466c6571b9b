"""docs/design.md: a table becomes labelled cards on a phone, so every `<td>` of a table with more
than two columns carries `data-label`, its column head's text (an empty one for an empty-state
cell). A static check over every template; Jinja is read as text."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
TABLE = re.compile(r"<table\b.*?</table>", re.S)
THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
HEAD_CELL = re.compile(r"<th\b(?:{{.*?}}|{%.*?%}|[^>])*>(.*?)</th>", re.S)
COLUMN_HEAD = re.compile(r"<th\b[^>]*scope=\"col\"")
# A cell's opening tag; a Jinja expression inside it may hold a `>`.
CELL = re.compile(r"<td\b(?:{{.*?}}|{%.*?%}|[^>])*>", re.S)
LABEL = re.compile(r"""data-label=("[^"]*"|'[^']*')""")
TRANSLATED = re.compile(r"""_\(\s*(?:"([^"]*)"|'([^']*)')""")
TAG = re.compile(r"<[^>]+>")


def words(markup: str) -> str:
    """The text a head or label shows: its translated literal, else the text outside tags."""
    literal = TRANSLATED.search(markup)
    if literal:
        return "".join(literal.groups(""))
    return " ".join(TAG.sub(" ", markup).split())


def problems_in(source: str, name: str) -> list[str]:
    """Each unlabelled cell, or label that is not a column head, of a wide table in a template."""
    found = []
    for table in TABLE.finditer(source):
        markup = table.group(0)
        line = source.count("\n", 0, table.start()) + 1
        head = THEAD.search(markup)
        heads = HEAD_CELL.findall(head.group(0)) if head else []
        looped = head is not None and "{% for" in head.group(0)  # columns written by a loop
        columns = len(heads) if head else len(COLUMN_HEAD.findall(markup))
        if columns <= 2 and not looped:
            continue
        head_words = {words(cell) for cell in heads}
        for cell in CELL.finditer(markup):
            cell_line = line + markup.count("\n", 0, cell.start())
            label = LABEL.search(cell.group(0))
            if label is None:
                found.append(f"{name}:{cell_line}: a <td> without data-label in a table "
                             f"with {columns} columns")
                continue
            text = words(label.group(1)[1:-1])
            if text and not looped and "{{" not in text and text not in head_words:
                found.append(f"{name}:{cell_line}: data-label {text!r} is none of the "
                             f"column heads {sorted(head_words)}")
    return found


def test_every_cell_of_a_wide_table_is_labelled_with_its_column_head():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        found += problems_in(path.read_text(), path.relative_to(ROOT).as_posix())
    assert not found, "tables that will not read as labelled cards on a phone:\n" + "\n".join(found)


def test_the_check_reads_the_templates_tables():
    checked = [path for path in TEMPLATES.rglob("*.html")
               if "data-label" in path.read_text() and TABLE.search(path.read_text())]
    assert len(checked) >= 20


def test_the_check_names_a_missing_label_and_a_label_that_is_no_column_head():
    table = """<table>
      <thead><tr><th scope="col">{{ _("When") }}</th><th scope="col">{{ _("Where") }}</th>
        <th scope="col"><span class="visually-hidden">{{ _("Action") }}</span></th></tr></thead>
      <tbody><tr><td data-label="{{ _('When') }}">…</td><td>…</td>
        <td data-label="{{ _('Acton') }}">…</td></tr>
      <tr><td colspan="3" data-label="">{{ _("No class.") }}</td></tr></tbody>
    </table>"""
    found = problems_in(table, "templates/x.html")
    assert len(found) == 2
    assert found[0].startswith("templates/x.html:4: a <td> without data-label")
    assert "'Acton' is none of the column heads" in found[1]


def test_a_narrow_table_and_a_layout_table_need_no_labels():
    two_columns = ('<table><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr>'
                   "</thead><tbody><tr><td>a</td><td>b</td></tr></tbody></table>")
    layout = "<table><tr><td>logo</td><td>text</td><td>more</td></tr></table>"
    assert problems_in(two_columns, "a.html") == problems_in(layout, "b.html") == []
