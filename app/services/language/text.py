"""Text a person reads, marked where the rules write it and translated where it is shown.

A rule (a service) speaks English: its errors and reasons go to the API and the logs as they
are. Where a message may also reach a page or a learner's mail, the rule writes it with `N_`,
which keeps the English text and remembers the catalog entry and its named values, so the
web edge can show it in the reader's language (`app.web.language.localized`). `pybabel
extract` collects every `N_(…)` into the catalog (babel.cfg)."""

from __future__ import annotations


class Text(str):
    """English text (it *is* the string) that also knows its catalog entry and named values."""

    msgid: str
    values: dict

    def __new__(cls, msgid: str, values: dict):
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid, text.values = msgid, values
        return text

    def __reduce__(self):  # pickles (Celery, caches) as itself, not as a plain string
        return Text, (self.msgid, self.values)


def N_(msgid: str, **values) -> Text:  # noqa: N802 (the gettext convention for "mark only")
    """Mark `msgid` (with %(name)s placeholders filled from `values`) for translation."""
    return Text(msgid, values)
