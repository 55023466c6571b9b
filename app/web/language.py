"""Which language a page is in (API-2 §6), the switcher on every page, and domain text shown
in it.

The order: `?lang=` when the reader just chose (the switcher's links), else a signed-in
user's `preferred_language`, else the `lang` cookie the switcher set, else `Accept-Language`,
else English. Staff pages and the API stay English for now: their strings are wrapped, so a
later catalog can cover them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import force_locale, get_locale, gettext
from flask_login import current_user

from app.extensions import db
from app.services import accounts
from app.services.language import formatting
from app.services.language.text import Text

DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
ENGLISH_ONLY_PATHS = ("/admin", "/instructor", "/employer", "/api/", "/calendar/", "/metrics")


def supported(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code if code in accounts.LANGUAGES else None


def chosen_language() -> str:
    if not has_request_context() or request.path.startswith(ENGLISH_ONLY_PATHS):
        return DEFAULT_LANGUAGE
    asked = supported(request.args.get("lang"))
    if asked:
        return asked
    if current_user and current_user.is_authenticated:
        return supported(current_user.preferred_language) or DEFAULT_LANGUAGE
    return (supported(request.cookies.get(COOKIE))
            or request.accept_languages.best_match(list(accounts.LANGUAGES))
            or DEFAULT_LANGUAGE)


def select_locale() -> str:
    return formatting.locale_for(chosen_language())


def current_language() -> str:
    """The language of the page being made ('en', 'es'), as `<html lang>` says it."""
    return get_locale().language


@contextmanager
def in_language(language: str | None):
    """Render (a learner's mail) in `language`, whatever the page or task around it is in."""
    with force_locale(formatting.locale_for(supported(language))):
        yield


def localized(message: str | None) -> str | None:
    """Domain text (a rule's error or reason) in the page's language: a `Text` by its catalog
    entry and values (dates as the locale's long date), a plain string as its own entry
    (English when the catalog has none)."""
    if isinstance(message, Text):
        return gettext(message.msgid, **{name: _shown(value)
                                         for name, value in message.values.items()})
    return gettext(message) if message else message


def _shown(value):
    """A value of domain text as the page shows it: a date as the long date, a label (itself
    a `Text`) in the page's language."""
    if isinstance(value, date):
        return formatting.long_date(value, str(get_locale()))
    return localized(value) if isinstance(value, Text) else value


def language_links() -> list[dict]:
    """The switcher: this page in each language."""
    here = current_language()
    links = []
    for code, name in accounts.LANGUAGES.items():
        args = request.args.copy()
        args["lang"] = code
        links.append({"code": code, "name": name, "current": code == here,
                      "url": f"{request.path}?{urlencode(list(args.items(multi=True)))}"})
    return links


def _remember_choice() -> None:
    """A signed-in reader who picks a language keeps it, on every device (and in mail)."""
    asked = supported(request.args.get("lang"))
    g.language_asked = asked
    if (asked and not request.path.startswith(ENGLISH_ONLY_PATHS)
            and current_user.is_authenticated and current_user.preferred_language != asked):
        accounts.set_preferred_language(db.session, current_user, asked)


def _set_cookie(response: Response) -> Response:
    asked = g.get("language_asked")
    if asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def register_language(app: Flask) -> None:
    from app.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_remember_choice)
    app.after_request(_set_cookie)
    app.jinja_env.globals.update(in_language=in_language, current_language=current_language,
                                 language_links=language_links, localized=localized)
