"""Print files for label batches: single QR images, A4 PDF sheets and CSV for variable-data
printers. Everything here is pure (no database): callers pass codes and label text in."""
