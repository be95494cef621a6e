"""Helpers every web-facing app shares: file downloads, CSV files, response headers."""
