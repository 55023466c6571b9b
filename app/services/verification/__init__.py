"""Verification: looking certificates up by code, bulk checks and employers' watch lists."""

from app.services.verification.log import Caller, caller_for, hash_ip
from app.services.verification.lookup import (
    MISTYPED_MESSAGE,
    NOT_FOUND_MESSAGE,
    certificate_view,
    find_by_code,
    verify_code,
    verify_codes,
)
from app.services.verification.lost_cards import request_card_lookup, same_name

__all__ = ["MISTYPED_MESSAGE", "NOT_FOUND_MESSAGE", "Caller", "caller_for", "certificate_view",
           "find_by_code", "hash_ip", "request_card_lookup", "same_name", "verify_code",
           "verify_codes"]
