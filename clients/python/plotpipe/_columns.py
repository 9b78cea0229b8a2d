"""Columns and values as the wire carries them: native doubles, and time as Unix seconds. Reads Python's numbers and
datetimes, any buffer of numbers, and numpy's and pandas' arrays, Series and indexes (numeric or datetime64, any unit)
without importing either: a caller that passes them has them already."""

from __future__ import annotations

import array
import datetime as _datetime
import sys
from typing import Any

_EPOCH = _datetime.datetime(1970, 1, 1, tzinfo=_datetime.timezone.utc)
_LITTLE_ENDIAN = sys.byteorder == "little"
_NATIVE_DOUBLE = ("d", "@d", "=d", "<d" if _LITTLE_ENDIAN else ">d")
_SWAPPED_DOUBLE = ">d" if _LITTLE_ENDIAN else "<d"
# datetime64 units finer than a second, as parts of a second; coarser ones are made seconds by numpy itself.
_PER_SECOND = {"ms": 10**3, "us": 10**6, "ns": 10**9, "ps": 10**12, "fs": 10**15, "as": 10**18}
_NAT = -(2**63)


def unix_seconds(time_value: _datetime.datetime) -> float:
    """A datetime as the seconds since 1970-01-01T00:00:00Z that time on x carries (microseconds survive at this
    century's dates). An aware datetime is the instant it names; a naive one is local time, as ``datetime.timestamp``
    reads it (``datetime.now()`` is right; for UTC clocks use ``datetime.now(timezone.utc)``). A pandas ``Timestamp``
    is read as pandas reads it: naive means UTC."""
    if time_value.tzinfo is None:
        return time_value.timestamp()
    # Exact: whole microseconds over 10**6, one rounding.
    return (time_value - _EPOCH) / _datetime.timedelta(microseconds=1) / 1e6


def _numpy() -> Any:
    return sys.modules.get("numpy")


def _from_pandas(values: Any) -> tuple[Any, bool] | None:
    """A pandas Series, Index or extension array as (numpy float64 array, is time); None for anything else."""
    if not type(values).__module__.startswith("pandas"):
        return None
    np = _numpy()
    dtype = getattr(values, "dtype", None)
    if dtype is None or np is None:
        return None
    if getattr(dtype, "kind", "") == "M":
        # Naive or zoned, .asi8 is nanoseconds since the epoch in UTC (a naive one read as UTC, as pandas does).
        nanoseconds = getattr(values, "asi8", None)
        if nanoseconds is None:
            nanoseconds = values.array.asi8
        return _nanoseconds_as_seconds(np, np.asarray(nanoseconds)), True
    try:
        return values.to_numpy(dtype="float64", na_value=float("nan")), False
    except (TypeError, ValueError):
        return None


def _nanoseconds_as_seconds(np: Any, ticks: Any, per_second: int = 10**9) -> Any:
    # Whole seconds and the rest apart, so a float64 keeps the microseconds that one division would round away.
    whole = ticks // per_second
    seconds = whole.astype(np.float64) + (ticks - whole * per_second).astype(np.float64) / per_second
    seconds[ticks == _NAT] = np.nan
    return seconds


def _datetime64_as_seconds(np: Any, values: Any) -> Any:
    unit, count = np.datetime_data(values.dtype)
    if unit not in _PER_SECOND or count != 1:
        # Years, months, weeks, days, hours, minutes, seconds, and multiples of any unit: numpy converts them exactly.
        values = values.astype("datetime64[s]" if unit not in _PER_SECOND else f"datetime64[{unit}]")
        unit = "s" if unit not in _PER_SECOND else unit
    ticks = values.view(np.int64)
    if unit == "s":
        seconds = ticks.astype(np.float64)
        seconds[ticks == _NAT] = np.nan
        return seconds
    return _nanoseconds_as_seconds(np, ticks, _PER_SECOND[unit])


def _from_numpy(values: Any) -> tuple[Any, bool] | None:
    np = _numpy()
    if np is None or not isinstance(values, np.ndarray):
        return None
    if values.ndim != 1:
        raise ValueError(f"has {values.ndim} dimensions (shape {values.shape}); give one column")
    kind = values.dtype.kind
    if kind == "M":
        return _datetime64_as_seconds(np, values), True
    if kind in "biuf":
        return np.ascontiguousarray(values, dtype=np.float64), False
    if kind == "O" and len(values) and isinstance(values[0], (_datetime.datetime, np.datetime64)):
        return None  # a column of datetime objects: read one by one below
    if kind == "O":
        return None
    raise TypeError(f"has dtype {values.dtype}; give numbers or times")


def _as_bytes(values: Any) -> memoryview:
    """A numpy float64 column as a flat byte view of native doubles."""
    return memoryview(values).cast("B")


def column(values: object, what: str) -> tuple[memoryview, bool]:
    """``values`` as (a flat byte view of native doubles, whether they are times in Unix seconds), copied only where
    they must be converted: float64 buffers go straight in; other numbers convert in C or numpy, never one by one in
    Python; datetimes one by one. TypeError or ValueError naming ``what``."""
    try:
        converted = _from_pandas(values) or _from_numpy(values)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{what} {e}") from None
    if converted is not None:
        return _as_bytes(converted[0]), converted[1]
    try:
        view = memoryview(values)  # type: ignore[arg-type]  # anything with the buffer protocol
    except TypeError:
        view = None
    if view is not None:
        if view.ndim != 1:
            raise ValueError(f"{what} has {view.ndim} dimensions (shape {view.shape}); give one column")
        if view.format in _NATIVE_DOUBLE:
            return (view.cast("B") if view.c_contiguous else memoryview(view.tobytes())), False
        if view.format == _SWAPPED_DOUBLE:
            swapped = array.array("d", view.tobytes())
            swapped.byteswap()
            return memoryview(swapped).cast("B"), False
        try:
            # Other native number formats (float32, ints) convert value by value in C.
            return memoryview(array.array("d", view)).cast("B"), False  # type: ignore[arg-type]
        except (TypeError, NotImplementedError, ValueError):
            pass
    try:
        return memoryview(array.array("d", values)).cast("B"), False  # type: ignore[arg-type]
    except TypeError:
        pass
    seconds = _times(values)
    if seconds is not None:
        return memoryview(seconds).cast("B"), True
    raise TypeError(f"{what} must be a sequence of numbers or times, a buffer of numbers, or a numpy or pandas column, "
                    f"not {type(values).__name__}")


def _times(values: object) -> array.array[float] | None:
    """A column of datetimes (Python's, pandas' Timestamps or numpy datetime64 scalars) as array('d') of Unix seconds,
    or None when it is not one."""
    try:
        seq: list[object] = list(values)  # type: ignore[call-overload]
    except TypeError:
        return None
    if not seq:
        return None
    out = array.array("d")
    for v in seq:
        seconds = time_value(v)
        if seconds is None:
            return None
        out.append(seconds)
    return out


def time_value(value: object) -> float | None:
    """One time (a datetime, a pandas Timestamp, a numpy datetime64) as Unix seconds; None when it is no time."""
    if isinstance(value, _datetime.datetime):
        return unix_seconds(value)
    np = _numpy()
    if np is not None and isinstance(value, np.datetime64):
        return float(_datetime64_as_seconds(np, np.array([value]))[0])
    return None


def number(value: object) -> float | None:
    """A y value that is a pandas or numpy scalar the fast path did not take; None when it is no number."""
    # float() reads "2.5" and b"nan" too: text is no number here, as it is none in add_many's columns.
    if isinstance(value, (str, bytes, bytearray)):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
