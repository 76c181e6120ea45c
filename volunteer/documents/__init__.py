"""Pure functions that turn data into files (xlsx, CSV, PDF, QR images) as bytes."""
