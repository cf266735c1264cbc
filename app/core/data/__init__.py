"""Vendored reference data (see README.md): read through app.core.divisions."""
