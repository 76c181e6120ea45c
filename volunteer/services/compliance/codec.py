"""Results as JSON and back, exactly: dataclasses by their type hints, dates, enums, Decimals.

A snapshot keeps a report, a pace or history points as JSON (services/compliance/snapshots):
`encode` turns any of them into JSON values and `decode(data, hint)` rebuilds an equal value
from the type hint of what was encoded (`Report`, `Pace`, `list[HistoryPoint]`). Decimals
travel as strings (never through a float), dates and datetimes in ISO form, enums by their
value, dicts as pairs (JSON keys are only strings), and a table row (a report's root unit)
by its id, loaded again from the session.
"""

import enum
import types
import typing
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from volunteer.extensions import db
from volunteer.models import Base

SCALARS = (str, int, float, bool, type(None))
# Types rebuilt from their text form.
FROM_TEXT = {Decimal: Decimal, datetime: datetime.fromisoformat, date: date.fromisoformat}


def encode(value: Any) -> Any:
    """A JSON-ready form of `value` (dataclasses, lists, dicts, dates, enums, Decimals, rows)."""
    if isinstance(value, enum.Enum):  # before str: a StrEnum is a str
        return value.value
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, Decimal | date):  # a datetime is a date
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, Base):
        return inspect(value).identity[0]
    return _encode_container(value)


def _encode_container(value: Any) -> Any:
    if is_dataclass(value):
        return {field.name: encode(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, dict):
        return [[encode(key), encode(item)] for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    raise TypeError(f"cannot keep a {type(value).__name__} in a snapshot")


def decode(data: Any, hint: Any) -> Any:
    """The value of type `hint` that `encode` turned into `data`."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return None if data is None else decode(data, _not_none(args))
    if origin is list:
        return [decode(item, args[0]) for item in data]
    if origin is dict:
        return {decode(key, args[0]): decode(item, args[1]) for key, item in data}
    if origin is tuple:
        return tuple(decode(item, arg) for item, arg in zip(data, args, strict=True))
    return _decode_plain(data, hint)


def _not_none(args: tuple) -> Any:
    """The one type of an optional (X | None); a wider union is not kept."""
    (inner,) = [arg for arg in args if arg is not type(None)]
    return inner


def _decode_plain(data: Any, hint: Any) -> Any:
    if is_dataclass(hint):
        return _decode_dataclass(data, hint)
    if hint in FROM_TEXT:
        return FROM_TEXT[hint](data)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if isinstance(hint, type) and issubclass(hint, Base):
        return db.session.get(hint, data)
    return data


def _decode_dataclass(data: dict, cls: type) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: decode(data[f.name], hints[f.name]) for f in fields(cls) if f.init})
