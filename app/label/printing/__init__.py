"""Print files for label batches: single QR images, A4 PDF sheets and CSV for variable-data
printers. Everything here is pure (no database): callers pass codes and label text in.

    qr          QR symbols: PNG and SVG (qrcode), module matrices for bulk work (zxing-cpp)
    vector      a module matrix as PDF path operators, one segment per run of dark modules
    layout      label size and grid on A4, and the print check (PrintCheckError)
    template    what is the same on every label of a job (mark, USCC, legal line, lot)
    artwork     the GI mark: the product's artwork, or a neutral stand-in
    fonts       the CJK and Courier fonts, widths and text operators
    pdf         a minimal streaming PDF writer
    sheet       the sheets themselves: render_sheets(), SheetPdf.chunks()
    csv_export  CSV lines for variable-data printers
    writers     whole files (CSV, PDF, a ZIP of QR images) from chunks of labels, for print jobs
"""
