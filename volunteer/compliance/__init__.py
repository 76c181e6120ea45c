"""Rosters and compliance pages for coordinators and admins."""
