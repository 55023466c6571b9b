"""Certificate records for staff: search, import, export, OSHA training records, reports."""
