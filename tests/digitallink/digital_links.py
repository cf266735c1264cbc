"""GTINs the Digital Link tests use (module name unique: test folders share one import path)."""

GTIN = "06901234567892"  # GTIN-13 6901234567892 as GTIN-14 (check digit 2)
OTHER_GTIN = "06901234567908"  # another valid GTIN (check digit 8)
