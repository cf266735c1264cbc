"""Durable background jobs stored in the database (SQLite and PostgreSQL).

``models`` (the ``job`` table), ``registry`` (``@job("kind")`` handlers), ``queue`` (every query:
enqueue, claim, heartbeat, finish), ``runner`` (runs one claimed job), ``worker`` (the loop),
``schedule`` (periodic jobs, once per local day). Domains register handlers; the kernel imports
no domain.
"""
