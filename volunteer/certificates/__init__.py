"""Certificates: issuing, downloading, batches, issuer settings and public verification."""
