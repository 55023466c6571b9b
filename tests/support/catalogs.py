"""The catalogs as tests read them: a string's translation (strict: a msgid the catalog does
not have fails the test, so a reworded English string cannot pass silently), and the English
UI strings a translated page must not show."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")
TAG = re.compile(r"<[^>]+>")


@cache
def catalog(language: str) -> dict[str, str]:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        entries = read_po(handle)
    return {message.id: message.string for message in entries
            if isinstance(message.id, str) and message.id and message.string}


def translated(language: str, msgid: str, **values) -> str:
    """The catalog's text for `msgid` (placeholders filled from `values`)."""
    strings = catalog(language)
    assert msgid in strings, f"{msgid!r} is not translated in the {language} catalog"
    return strings[msgid] % values if values else strings[msgid]


def es(msgid: str, **values) -> str:
    return translated("es", msgid, **values)


def english_fragments(language: str, min_words: int = 2) -> set[str]:
    """The fixed English text of every entry the catalog translates differently: the pieces
    between placeholders and tags with at least `min_words` words (shorter pieces, such as
    "BLS" or "Email", read the same in both languages or are data)."""
    fragments = set()
    for msgid, string in catalog(language).items():
        if string == msgid:
            continue
        for piece in PLACEHOLDER.split(TAG.sub("\n", msgid)):
            for line in piece.split("\n"):
                words = line.strip(" .,:;!?·()—-\"'").split()
                if len(words) >= min_words:
                    fragments.add(" ".join(words))
    return fragments


def english_left_in(text: str, language: str = "es") -> list[str]:
    """English UI fragments found in a page's (or mail's) visible text."""
    flat = " ".join(text.split())
    return sorted(fragment for fragment in english_fragments(language)
                  if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", flat))
