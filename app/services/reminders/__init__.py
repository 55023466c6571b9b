"""Renewal reminders: the daily sweep (DESIGN.md rule 6) and what a reminder mail shows."""

from app.services.reminders.sweep import (
    SweepSummary,
    due_query,
    opt_out,
    stale_reason,
    sweep,
    window_ranges,
)

__all__ = ["SweepSummary", "due_query", "opt_out", "stale_reason", "sweep",
           "window_ranges"]
