"""The payment settings a use case is told (read from the configuration at the edge)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PaymentSettings:
    provider: str = "manual"
    currency: str = "usd"
    hold_minutes: int = 30
    refund_cutoff_hours: int = 48
    zone_name: str = "America/New_York"
    public_base_url: str = "http://127.0.0.1:5000"
    center_name: str = "Lifeline Training Center"

    @property
    def holds_seats(self) -> bool:
        """An online provider takes the money at once, so a priced seat is held meanwhile."""
        return self.provider == "stripe"


def settings_from(config: Mapping) -> PaymentSettings:
    """The settings of a Flask configuration (or any mapping with the same keys)."""
    return PaymentSettings(
        provider=config.get("PAYMENT_PROVIDER", "manual"), currency=config.get("CURRENCY", "usd"),
        hold_minutes=config.get("SEAT_HOLD_MINUTES", 30),
        refund_cutoff_hours=config.get("REFUND_CUTOFF_HOURS", 48),
        zone_name=config["CENTER_TIMEZONE"], public_base_url=config["PUBLIC_BASE_URL"],
        center_name=config["CENTER_NAME"])
