"""The figures /metrics reads from the database at each scrape: the same answer on every node,
however many there are, because the database is the one place they are true.

Each figure is one entry of FIGURES: a metric and one grouped query, whose rows are the label
values and then the value. A scrape is one query per entry, whatever the number of rows; a new
figure is one more entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.models import AuditEvent, Enrollment, Notification, Payment, VerificationLog
from app.models.vocab import ENROLLMENT_STATUSES, NOTIFICATION_STATUSES, PAYMENT_STATUSES

log = logging.getLogger(__name__)
LOOKUP_WINDOW = timedelta(days=1)
PROMOTED_ACTION = "enrollment.promoted"  # what enrollment.promote_from_waitlist audits


def _as_number(raw, now: datetime) -> float:
    return float(raw or 0)


def _seconds_since(oldest: datetime | None, now: datetime) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


@dataclass(frozen=True)
class Figure:
    """A metric read by one query: `query(now)` gives rows of (label values…, value)."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    query: Callable[[datetime], Select]
    family: type[GaugeMetricFamily] | type[CounterMetricFamily] = GaugeMetricFamily
    value: Callable[[object, datetime], float] = _as_number
    # The values of a one-label figure that are shown as 0 when no row holds them, so a
    # status with no rows is a zero on the dashboard, not a gap.
    every: tuple[str, ...] = ()


def count_by(*columns, where: Callable[[datetime], tuple] = lambda now: ()
             ) -> Callable[[datetime], Select]:
    """A query counting the rows matching `where(now)`, grouped by `columns`."""
    return lambda now: select(*columns, func.count()).where(*where(now)).group_by(*columns)


FIGURES: tuple[Figure, ...] = (
    Figure("lifeline_outbox_notifications", "Outbox rows by status.", ("status",),
           count_by(Notification.status), every=NOTIFICATION_STATUSES),
    Figure("lifeline_outbox_oldest_pending_age_seconds",
           "Seconds since the oldest pending outbox row was written (0 when none is pending).",
           (), lambda now: select(func.min(Notification.created_at))
           .where(Notification.status == "pending"), value=_seconds_since),
    Figure("lifeline_renewal_reminders",
           "Renewal reminders queued, by window (days before expiry) and outbox status.",
           ("window", "status"),
           count_by(Notification.reminder_window, Notification.status,
                    where=lambda now: (Notification.kind == "renewal_reminder",))),
    Figure("lifeline_enrollments", "Enrollments by status.", ("status",),
           count_by(Enrollment.status), every=ENROLLMENT_STATUSES),
    Figure("lifeline_waitlist_promotions", "Learners promoted from a waitlist to a seat, ever.",
           (), lambda now: select(func.count()).select_from(AuditEvent)
           .where(AuditEvent.action == PROMOTED_ACTION), family=CounterMetricFamily),
    Figure("lifeline_payments", "Payments by status (one per priced enrollment).", ("status",),
           count_by(Payment.status), every=PAYMENT_STATUSES),
    Figure("lifeline_payments_amount_cents", "The amounts due of the payments, by status, in cents.",
           ("status",), lambda now: select(Payment.status, func.sum(Payment.amount_cents))
           .group_by(Payment.status), every=PAYMENT_STATUSES),
    Figure("lifeline_verification_lookups_last_day",
           "Certificate look-ups in the last 24 hours, by outcome and channel.",
           ("outcome", "channel"),
           count_by(VerificationLog.outcome, VerificationLog.channel,
                    where=lambda now: (VerificationLog.created_at >= now - LOOKUP_WINDOW,))),
)


def read(session: Session, figure: Figure, now: datetime) -> Metric:
    """One figure as a metric family, from its one query."""
    family = figure.family(figure.name, figure.documentation, labels=figure.labels)
    seen = set()
    for *label_values, raw in session.execute(figure.query(now)):
        labels = [str(value) for value in label_values]
        seen.add(tuple(labels))
        family.add_metric(labels, figure.value(raw, now))
    for missing in (value for value in figure.every if (value,) not in seen):
        family.add_metric([missing], 0.0)
    return family


class DatabaseFigures:
    """A collector of FIGURES, read when a scrape asks; `lifeline_metrics_database_up` says
    whether the database answered (a scrape still answers the request counts when it did not)."""

    def __init__(self, session: Session, now: datetime, figures: tuple[Figure, ...] = FIGURES):
        self.session = session
        self.now = now
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        try:
            families = [read(self.session, figure, self.now) for figure in self.figures]
        except SQLAlchemyError as error:
            self.session.rollback()
            log.warning("metrics: the database could not be read (%s)", type(error).__name__)
            families = []
        yield from families
        yield GaugeMetricFamily("lifeline_metrics_database_up",
                                "1 when the database figures could be read, else 0.",
                                value=1.0 if families or not self.figures else 0.0)
