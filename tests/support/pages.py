"""Reading rendered pages the way a person sees them: banners, badges and plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.parts = tag, attrs, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[_Element] = []
        self.elements: list[_Element] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.skipping += tag in ("script", "style", "head")
        self.open.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                self.skipping -= tag in ("script", "style", "head")
                del self.open[index:]
                return

    def handle_data(self, data):
        if not self.skipping:
            for element in self.open:
                element.parts.append(data)


def elements(page: str) -> list[_Element]:
    collector = _Collector()
    collector.feed(page)
    return collector.elements


def visible_text(page: str) -> str:
    """The body's text with whitespace collapsed (as read, tags gone)."""
    body = [e for e in elements(page) if e.tag == "body"]
    return body[0].text if body else ""


def with_class(page: str, name: str) -> list[_Element]:
    return [e for e in elements(page) if name in e.classes]


def banner(page: str) -> _Element:
    """The first banner of the page (the verdict on the verify page)."""
    found = [e for e in with_class(page, "banner") if e.tag == "div"]
    assert found, "the page has no banner"
    return found[0]


def badges(page: str) -> list[tuple[str, str]]:
    """Each badge as (its state class without 'badge-', its words)."""
    return [(next(c[6:] for c in e.classes if c.startswith("badge-")), e.text)
            for e in with_class(page, "badge")]
