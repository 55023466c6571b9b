"""A real SMTP server (aiosmtpd) in the test process that keeps what it receives."""

from __future__ import annotations

import email
import socket
import threading
import time
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Collects messages; `delay` holds each one after receiving it, before answering; `reply`
    is the answer to DATA and `rcpt_reply` (when given) the answer to every RCPT."""

    def __init__(self, delay: float = 0.0, reply: str = "250 OK", rcpt_reply: str | None = None):
        self.delay, self.reply, self.rcpt_reply = delay, reply, rcpt_reply
        self.messages: list[email.message.EmailMessage] = []
        self.port = 0
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        if self.delay:
            time.sleep(self.delay)  # a slow server: the sender waits for the 250 meanwhile
        return self.reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15.0) -> list:
        """Block until `count` messages arrived; fail the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"SMTP sink got {len(self.messages)} of {count} messages")
                self._changed.wait(left)
            return list(self.messages)

    def notification_ids(self) -> list[int]:
        with self._changed:
            return [int(message["X-Lifeline-Notification"]) for message in self.messages]


@contextmanager
def smtp_sink(delay: float = 0.0, login: tuple[str, str] | None = None, reply: str = "250 OK",
              rcpt_reply: str | None = None):
    """A running sink; with `login`, the server demands that user name and password."""
    sink = Sink(delay, reply, rcpt_reply)
    sink.port = free_port()
    options = {}
    if login is not None:
        def authenticate(server, session, envelope, mechanism, credentials):
            accepted = (credentials.login.decode(), credentials.password.decode()) == login
            return AuthResult(success=accepted)

        options = {"authenticator": authenticate, "auth_required": True,
                   "auth_require_tls": False}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **options)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def fake_attachments(session, notification, config):
    return [("note.txt", "text/plain", b"hello")]
