"""API routes for requirements (filled in by its issue)."""
