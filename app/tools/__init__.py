"""Checks of the code's own structure, run by scripts/lint (``python -m app.tools.layers``)."""
