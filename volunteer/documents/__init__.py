"""Pure functions that render documents (QR images, PDFs, spreadsheets) to bytes."""
