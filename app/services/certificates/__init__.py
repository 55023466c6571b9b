"""Certificates: outcomes and issuance, later changes (revoke, reissue), codes, expiry, cards."""

from app.services.certificates.changes import (
    reissue_certificate,
    revoke_certificate,
    set_external_card,
)
from app.services.certificates.outcomes import (
    record_outcomes,
    roster,
    teaching_session,
    teaching_sessions,
)

__all__ = ["record_outcomes", "reissue_certificate", "revoke_certificate", "roster",
           "set_external_card", "teaching_session", "teaching_sessions"]
