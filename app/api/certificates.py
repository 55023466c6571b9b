"""API routes for certificates (filled in by its issue)."""
