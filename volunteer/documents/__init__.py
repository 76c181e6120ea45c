"""Pure functions that turn data into files (PDF, xlsx, CSV, QR images), returning bytes."""
