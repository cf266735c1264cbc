"""The verification domain's SQL, one module per concern: ``lookups`` (the verdict lookup and the
trust-epoch probe, the hot path), ``scans`` (scan rows, running totals, the clone-flag queries,
listings and the roll-up) and ``salts`` (the daily address-hashing salts)."""
