"""What a job kind reports to its job's row while it writes (the runner gives it one)."""

from typing import Protocol


class Progress(Protocol):
    """Steps done, and that the worker is still alive during a step that must not commit."""

    def __call__(self, done: int, total: int) -> None:
        """Record `done` of `total` steps (and a heartbeat), committing the session."""

    def keep_alive(self) -> None:
        """Record a heartbeat without touching the session or its open transaction."""
