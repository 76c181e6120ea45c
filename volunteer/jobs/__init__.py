"""Background jobs' pages: progress, its JSON for the poller, and the finished file."""
