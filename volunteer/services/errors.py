"""Errors services raise for the edge (a view, the CLI) to show to a person."""


class ServiceError(Exception):
    """A rule refused the request; `message` is already in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class DuplicateError(ServiceError):
    """The value is already taken (a phone, an ID number, a name)."""


class PermissionDenied(ServiceError):
    """The acting user may not do this."""
