"""units blueprint."""
