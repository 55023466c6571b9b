"""WTForms for the web pages, one module per area (shape only; services decide policy)."""
