"""Errors services raise for the edge (a view, the CLI, the API) to show to a person."""


class ServiceError(Exception):
    """A rule refused the request; `message` is already in the user's language.

    `code` is a stable machine name for the refusal (the JSON API sends it); a
    raise site may name a precise one, else the class's default applies.
    """

    code = "refused"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if code is not None:
            self.code = code


class DuplicateError(ServiceError):
    """The value is already taken (a phone, an ID number, a name)."""

    code = "duplicate"


class PermissionDenied(ServiceError):
    """The acting user may not do this."""

    code = "forbidden"


def required_text(text: str | None, message: str, field: str, code: str | None = None) -> str:
    """`text` without surrounding spaces, or a ServiceError saying `message` when it is empty."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(message, field, code)
    return text
