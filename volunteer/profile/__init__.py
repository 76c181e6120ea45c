"""profile blueprint."""
