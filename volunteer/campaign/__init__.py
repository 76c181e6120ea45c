"""The multi-year campaign's page, its one-page A4 report and its settings (issue 16)."""
