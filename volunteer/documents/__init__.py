"""Pure functions that turn data into files (PDF, xlsx, QR images), returning bytes."""
