"""API routes for verifications (filled in by its issue)."""
