"""Export of approved records for the national volunteer information system."""
