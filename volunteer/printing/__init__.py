"""Printing certificates and registration posters: edge code shared by the pages, the CLI and
the batch job runner. Unlike services it may read the current request (for this site's
address) and the batch runner commits, once per chunk; the rules themselves stay in services."""
