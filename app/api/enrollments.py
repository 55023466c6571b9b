"""API routes for enrollments (filled in by its issue)."""
