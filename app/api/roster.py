"""API routes for roster (filled in by its issue)."""
