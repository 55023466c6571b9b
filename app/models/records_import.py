"""An uploaded certificate file waiting between its preview and the admin's confirmation.

Kept in the database, not on a web host's disk, so that any web node can confirm a preview
another made; uploads never confirmed are dropped after a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.user import User

TOKEN_LENGTH = 32  # secrets.token_hex(16)


class RecordsImportUpload(db.Model):
    __table_args__ = (CheckConstraint(f"length(token) = {TOKEN_LENGTH}", name="token_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The random token the confirmation form carries; the row id is never shown.
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    filename: Mapped[str]
    csv_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    uploaded_by: Mapped[User] = relationship()
