"""Composing outbox e-mails from templates, and the two ways of sending them (SMTP, files).

A notification of kind K renders `templates/email/K.subject.txt`, `K.txt` and `K.html` (from
the Jinja environment the edge passes in) with its `context` plus the common keys (recipient,
center, links, class times in the center's zone). What a kind adds or attaches is in
`kinds.MAIL_KINDS`.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
import unicodedata
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment
from sqlalchemy.orm import Session

from app.models import Notification
from app.models.base import utcnow
from app.services.language import formatting
from app.services.notifications.kinds import MAIL_KINDS, MailKind
from app.services.notifications.language import mail_language

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "lifeline-unsubscribe-reminders"
SMTP_TIMEOUT_SECONDS = 30


def unsubscribe_token(user_id: int, secret_key: str) -> str:
    """A signed, non-expiring token naming the user whose reminders a link turns off."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps({"u": user_id})


def read_unsubscribe_token(token: str, secret_key: str) -> int | None:
    """The user id in a genuine token, or None for a forged or garbled one."""
    try:
        payload = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    return user_id if isinstance(user_id, int) else None


def unsubscribe_url(user_id: int, config: Mapping) -> str:
    return f"{config['PUBLIC_BASE_URL']}/mail/unsubscribe/{unsubscribe_token(user_id, config['SECRET_KEY'])}"


def template_context(session: Session, notification: Notification, config: Mapping) -> dict:
    """Everything the templates of a notification see."""
    recipient = notification.recipient
    context = dict(notification.context or {})
    context.update(
        recipient_name=recipient.full_name if recipient else "",
        recipient_email=notification.recipient_email,
        center_name=config["CENTER_NAME"],
        base_url=config["PUBLIC_BASE_URL"],
        unsubscribe_url=unsubscribe_url(notification.recipient_id, config)
        if notification.recipient_id else None,
        notification=notification,
    )
    language = mail_language(notification)
    context.update(language=language, locale=formatting.locale_for(language))
    context.update(_class_times(context, config["CENTER_TIMEZONE"], context["locale"]))
    kind_context = MAIL_KINDS.get(notification.kind, MailKind()).context
    if kind_context is not None:
        context.update(kind_context(session, notification, config))
    return context


# The class times a mail's context may hold (UTC, ISO), each pair shown as the center's
# wall-clock time in the mail's locale: the class's, the one a learner moved from, the one a
# change replaced.
TIME_PAIRS = (("starts_at", "ends_at", "starts_local", "ends_local"),
              ("from_starts_at", "from_ends_at", "from_starts_local", "from_ends_local"),
              ("old_starts_at", "old_ends_at", "old_starts_local", "old_ends_local"))


def _class_times(context: Mapping, zone_name: str, locale: str) -> dict:
    """A class's start and end (stored in UTC in the row) as the center's wall-clock time."""
    times = {}
    for start_key, end_key, start_name, end_name in TIME_PAIRS:
        if start_key in context and end_key in context:
            starts = datetime.fromisoformat(context[start_key])
            ends = datetime.fromisoformat(context[end_key])
            times[start_name] = formatting.moment_text(starts, zone_name, locale)
            times[end_name] = formatting.clock(ends, zone_name, locale)
    return times


def display_name(name: str | None) -> str:
    """A name fit for an address header: control characters (CR, LF, tab, NUL …) become
    spaces and runs of space collapse, so no stored name can break or extend a header."""
    cleaned = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
                      for char in name or "")
    return " ".join(cleaned.split())[:200]


def render(templates: Environment, kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of a kind's templates, in the context's language (the
    environment's `in_language`, when the app installed one)."""
    in_language = templates.globals.get("in_language") or (lambda language: nullcontext())
    with in_language(context.get("language")):
        subject = templates.get_template(f"email/{kind}.subject.txt").render(context)
        text = templates.get_template(f"email/{kind}.txt").render(context)
        html = templates.get_template(f"email/{kind}.html").render(context)
    return " ".join(subject.split()), text, html


def compose(session: Session, notification: Notification, config: Mapping,
            templates: Environment) -> EmailMessage:
    """The complete message of a notification: text + HTML, unsubscribe headers, attachments."""
    context = template_context(session, notification, config)
    subject, text, html = render(templates, notification.kind, context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(display_name=display_name(context["recipient_name"]),
                            addr_spec=notification.recipient_email)
    message["Date"] = format_datetime(utcnow())
    domain = getaddresses([config["MAIL_FROM"]])[0][1].rpartition("@")[2] or "lifeline.invalid"
    # A stable id per outbox row lets a receiving server drop a rare duplicate delivery.
    message["Message-ID"] = f"<notification-{notification.id}@{domain}>"
    message["X-Lifeline-Notification"] = str(notification.id)
    if context["unsubscribe_url"]:
        message["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    attachments = MAIL_KINDS.get(notification.kind, MailKind()).attachments
    if attachments is not None:
        for filename, mimetype, content in attachments(session, notification, config):
            # "text/calendar; method=REQUEST": the parameters go on the part's Content-Type.
            kind, *parameters = [part.strip() for part in mimetype.split(";")]
            maintype, _, subtype = kind.partition("/")
            message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename,
                                   params=dict(p.split("=", 1) for p in parameters))
    return message


class FileBackend:
    """The embedded default: each message becomes one .eml file in a folder."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = f"{utcnow():%Y%m%dT%H%M%S%f}-{message['X-Lifeline-Notification'] or 'mail'}"
        # Write then rename, so a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(handle, "wb") as output:
            output.write(bytes(message))
        os.replace(temporary, self.directory / f"{stem}.eml")


class SmtpBackend:
    """A real SMTP server, with STARTTLS and login when configured."""

    def __init__(self, host: str, port: int, use_tls: bool = False, username: str = "",
                 password: str = "", timeout: float = SMTP_TIMEOUT_SECONDS):
        self.host, self.port, self.use_tls = host, port, use_tls
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def backend_from_config(config: Mapping) -> FileBackend | SmtpBackend:
    """SMTP when MAIL_SERVER is set, otherwise .eml files under MAIL_DIR."""
    if config.get("MAIL_SERVER"):
        return SmtpBackend(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                           bool(config["MAIL_USE_TLS"]), config["MAIL_USERNAME"],
                           config["MAIL_PASSWORD"])
    return FileBackend(config["MAIL_DIR"])
