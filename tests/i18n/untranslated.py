"""Find text in a Jinja template that a reader would see but no catalog can translate.

`unwrapped_text(source)` returns the pieces of visible text (stripped) that contain a letter
and sit outside gettext. The rules are deliberately simple, so a failure is easy to read:

1. Jinja comments `{# … #}` and `{% trans %}…{% endtrans %}` blocks (with `{% pluralize %}`)
   are removed: the block is a catalog entry.
2. Every other `{{ … }}` and `{% … %}` is removed. Whatever an expression prints (`_("…")`,
   data, a macro call) is its own business: string literals inside expressions are NOT
   checked (write `_()` around them, or pass `_("…")` to the macro).
3. In HTML templates (`html=True`), `<script>`/`<style>` bodies are skipped and the rest is
   parsed: text nodes, plus the values of the attributes a person reads (title, aria-label,
   placeholder, alt, and data-label: a phone shows it above a table cell) are checked.
   Other attributes (href, class, id, …) are not.
   In text templates (`html=False`: plain-text mail, subjects) all remaining text is checked.
4. A piece counts when it has a letter (any script). Symbols and punctuation (·, →, —, :)
   pass. `allowed` lists whole pieces that are data, not language (a brand name, "CSV"…).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = frozenset({"title", "aria-label", "placeholder", "alt", "data-label"})
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TRANS = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_LETTER = re.compile(r"[^\W\d_]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        self.pieces.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.pieces.append(data)


def _without_jinja(source: str) -> str:
    source = _COMMENT.sub("", source)
    source = _TRANS.sub(" ", source)
    return _JINJA.sub(" ", source)


def unwrapped_text(template_source: str, html: bool = True,
                   allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The visible pieces of text with letters left outside gettext (see the module's rules)."""
    rest = _without_jinja(template_source)
    if html:
        parser = _Text()
        parser.feed(rest)
        parser.close()
        pieces = parser.pieces
    else:
        pieces = rest.splitlines()
    found = []
    for piece in pieces:
        piece = " ".join(piece.split())
        if piece and _LETTER.search(piece) and piece not in allowed:
            found.append(piece)
    return found
