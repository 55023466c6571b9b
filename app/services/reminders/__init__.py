"""Renewal reminders: the daily sweep (DESIGN.md rule 6) and what a reminder mail shows; class
reminders, instructor rosters and low-enrollment alerts (API-2.md §4)."""

from app.services.reminders.classes import ClassSweepSettings, sweep_classes
from app.services.reminders.sweep import (
    SweepSummary,
    due_query,
    opt_out,
    stale_reason,
    sweep,
    window_ranges,
)

__all__ = ["ClassSweepSettings", "SweepSummary", "due_query", "opt_out", "stale_reason", "sweep",
           "sweep_classes", "window_ranges"]
