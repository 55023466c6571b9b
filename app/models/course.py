"""The course catalog."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import check_in, utcnow
from app.models.vocab import (
    ALL_GUIDELINES_MASK,
    ALL_TOPICS_MASK,
    COURSE_FORMATS,
    EXPIRY_RULES,
    LEVELS,
    guidelines_to_mask,
    mask_to_guidelines,
    mask_to_topics,
    topics_to_mask,
)


class TaggedMixin:
    """Topics and guideline bases kept as bit masks, shown as lists."""

    topics_mask: Mapped[int]
    guidelines_mask: Mapped[int]

    @property
    def topics(self) -> list[str]:
        return mask_to_topics(self.topics_mask)

    @topics.setter
    def topics(self, values) -> None:
        self.topics_mask = topics_to_mask(values)

    @property
    def guidelines(self) -> list[str]:
        return mask_to_guidelines(self.guidelines_mask)

    @guidelines.setter
    def guidelines(self, values) -> None:
        self.guidelines_mask = guidelines_to_mask(values)


def tag_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(
            f"topics_mask >= 0 AND topics_mask <= {ALL_TOPICS_MASK}", name="topics_known"
        ),
        CheckConstraint(
            f"guidelines_mask >= 0 AND guidelines_mask <= {ALL_GUIDELINES_MASK}",
            name="guidelines_known",
        ),
        CheckConstraint(check_in("level", LEVELS), name="level_known"),
    )


class Course(TaggedMixin, db.Model):
    __table_args__ = (
        *tag_checks(),
        CheckConstraint(check_in("expiry_rule", EXPIRY_RULES), name="expiry_rule_known"),
        CheckConstraint(check_in("format", COURSE_FORMATS), name="format_known"),
        CheckConstraint("validity_months > 0", name="validity_positive"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("default_capacity > 0", name="capacity_positive"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    family: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The description in Spanish, shown on Spanish pages when set (else the English one).
    description_es: Mapped[str | None] = mapped_column(Text)
    # Shown in the class reminder mail; blended courses link the body's online part.
    what_to_bring: Mapped[str] = mapped_column(Text, default="", server_default="")
    online_course_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Set when the admins were told the keycode bank runs low; cleared by a restock.
    keycodes_low_alerted_at: Mapped[datetime | None]
    level: Mapped[str] = mapped_column(String(32))
    topics_mask: Mapped[int] = mapped_column(default=0)
    guidelines_mask: Mapped[int] = mapped_column(default=0)
    validity_months: Mapped[int]
    expiry_rule: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int]
    default_capacity: Mapped[int] = mapped_column(default=12)
    price_cents: Mapped[int] = mapped_column(default=0)
    renewal: Mapped[bool] = mapped_column(default=False)
    instructor_course: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
