"""PlotPipe for Python: live plots drawn by a separate viewer process.

Your loop calls a cheap ``add``; a background thread sends the points, in batches, to a PlotPipe viewer that
keeps them and draws them live in a browser tab::

    import plotpipe

    with plotpipe.spawn() as plot:            # runs `plotpipe view --stdin`, or $PLOTPIPE_VIEWER
        print(plot.url)                       # the page's address, with its access token
        dots = plot.scatter("samples", "ro")  # matplotlib format strings: colour, marker, line style
        loss = plot.line("loss", "b-")
        for step in range(100_000):
            loss.add(step, 1 / (1 + step))    # never waits on the viewer (when_full="drop")
        dots.add_many(xs, ys)                 # whole columns: sequences, array('d'), numpy arrays

``plotpipe.connect("tcp://host:port", token=...)`` feeds a viewer that listens for producers
(`plotpipe view --listen`) instead of starting one.

Panels, labels and time, as matplotlib's subplots::

    with plotpipe.spawn(title="Training") as plot:
        loss = plot.panel("Loss", ylabel="cross-entropy", yscale="log").line("train", "b-")
        acc = plot.panel("Accuracy", ylabel="accuracy", xlabel="step").line("val", "g--")
        temp = plot.line("temperature", "r-")         # the default panel
        temp.add(datetime.now(timezone.utc), 21.5)     # time on x

One file, standard library only. The wire format is docs/protocol.md, version 2 (a Hello naming the producer,
with the token over TCP; the plot, its panels, and each series' panel and time flag); the .NET producer
(LivePlot, Panel, Series) has the same shape.
"""

from __future__ import annotations

import array
import atexit
import datetime as _datetime
import logging
import os
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections import deque

__all__ = [
    "spawn",
    "connect",
    "to_stream",
    "Plot",
    "Series",
    "Panel",
    "check_format",
    "encode_handshake",
    "encode_define_series",
    "encode_points",
    "encode_dropped",
    "encode_finish",
    "encode_hello",
    "encode_define_plot",
    "encode_define_panel",
    "unix_seconds",
]

# The wire format (docs/protocol.md).
VERSION = 2
MAGIC = b"PLTP"
DEFINE_SERIES, POINTS, DROPPED, FINISH, HELLO, DEFINE_PLOT, DEFINE_PANEL = 1, 2, 3, 4, 5, 6, 7
TIME_X = 1  # DefineSeries flag: x is time, Unix seconds
SCATTER, LINE = 1, 2
MAX_SERIES = 1024
MAX_NAME_BYTES = 200
MAX_FORMAT_BYTES = 16
MAX_POINTS_PER_FRAME = 1 << 20
MAX_PRODUCER_NAME_BYTES = 200
MAX_TOKEN_BYTES = 256
MAX_PANELS = 64  # ids 0 (the default panel) to 63
MAX_PROPERTY_VALUE_BYTES = 1024
_SCALES = ("linear", "log")
_EPOCH = _datetime.datetime(1970, 1, 1, tzinfo=_datetime.timezone.utc)
_TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# A listening viewer that refuses a producer says so in one line on the socket, then closes it.
_REFUSAL_PREFIX = "plotpipe: refused"

# The buffer grows while the viewer is behind up to max_buffer_bytes: by default 256 MiB (16 M points, which a viewer
# taking 20 to 40 M points a second absorbs in under a second), or a quarter of the machine's memory when that is less.
_PREFERRED_MAX_BUFFER_BYTES = 256 << 20


def _default_max_buffer_bytes() -> int:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return _PREFERRED_MAX_BUFFER_BYTES
    return max(4 << 20, min(memory // 4, _PREFERRED_MAX_BUFFER_BYTES)) if memory > 0 else _PREFERRED_MAX_BUFFER_BYTES


_DEFAULT_MAX_BUFFER_BYTES = _default_max_buffer_bytes()

# Points per Points frame: a full batch leaves at once, a partial one within _FLUSH_SECONDS.
_BATCH_POINTS = 8192
_FLUSH_SECONDS = 0.002
# Encoded frames are written in blocks of about this size: small writes into a pipe cost far more per byte.
_WRITE_BYTES = 1 << 20
_START_TIMEOUT = 30.0
_ADDRESS_PREFIX = "PlotPipe viewer: "
# The viewer's lines that say why it stopped taking the stream.
_REASON_PREFIXES = ("plotpipe: bad input", "plotpipe: producer")
# The viewer's lines once it has saved a picture, or given up on one (followed by ": why").
_SAVED_PREFIX = "plotpipe: saved "
_NOT_SAVED_PREFIX = "plotpipe: could not save "
_REASON_WAIT = 0.3
_KEPT_LINES = 8

_HEADER = struct.Struct("<IBBH")
_DEFINE_PREFIX = struct.Struct("<BBHI")
_POINTS_PREFIX = struct.Struct("<II")
_DROPPED_TOTAL = struct.Struct("<q")
_LITTLE_ENDIAN = sys.byteorder == "little"
_NATIVE_DOUBLE = ("d", "@d", "=d", "<d" if _LITTLE_ENDIAN else ">d")
_SWAPPED_DOUBLE = ">d" if _LITTLE_ENDIAN else "<d"

_COLOURS = "bgrcmykw"
_MARKERS = "o.s^vx+*"
# Longest first, so "--" and "-." are never read as "-" followed by something else.
_LINE_STYLES = ("--", "-.", "-", ":")

_log = logging.getLogger("plotpipe")


# ---------------------------------------------------------------------------------------------------------------
# Encoding: pure functions, one per frame type, byte-exact as docs/protocol.md shows.


def encode_handshake(version: int = VERSION) -> bytes:
    """The 8 bytes that open every stream: magic, version, reserved zero."""
    return MAGIC + struct.pack("<HH", version, 0)


def encode_define_series(series_id: int, kind: int, name: str, fmt: str, panel: int = 0, flags: int = 0) -> bytes:
    """A DefineSeries frame; ``kind`` is SCATTER or LINE; ``panel`` and ``flags`` (TIME_X) only in version 2.
    Checks nothing but what the frame needs to be well formed."""
    name_bytes = name.encode("utf-8")
    fmt_bytes = fmt.encode("ascii")
    used = _DEFINE_PREFIX.size + len(name_bytes) + len(fmt_bytes)
    payload = (used + 7) & ~7
    return b"".join((
        _HEADER.pack(payload, DEFINE_SERIES, 0, series_id),
        _DEFINE_PREFIX.pack(kind, len(fmt_bytes), len(name_bytes), panel | flags << 16),
        name_bytes,
        fmt_bytes,
        bytes(payload - used),
    ))


def _encode_properties(kind: int, frame_id: int, properties) -> bytes:
    entries = []
    for key, value in properties:
        key_bytes = key.encode("ascii")
        value_bytes = value.encode("utf-8")
        entries.append(struct.pack("<HH", len(key_bytes), len(value_bytes)) + key_bytes + value_bytes)
    used = 8 + sum(len(e) for e in entries)
    payload = (used + 7) & ~7
    return b"".join((_HEADER.pack(payload, kind, 0, frame_id), struct.pack("<H6x", len(entries)), *entries, bytes(payload - used)))


def encode_define_plot(properties) -> bytes:
    """A DefinePlot frame (version 2) from (key, value) pairs such as ("title", "Training")."""
    return _encode_properties(DEFINE_PLOT, 0, properties)


def encode_define_panel(panel_id: int, properties) -> bytes:
    """A DefinePanel frame (version 2) for panel 1 to 63 from (key, value) pairs such as ("yscale", "log")."""
    return _encode_properties(DEFINE_PANEL, panel_id, properties)


def unix_seconds(time_value) -> float:
    """A datetime as the seconds since 1970-01-01T00:00:00Z that time on x carries (microseconds survive at this
    century's dates). An aware datetime is the instant it names; a naive one is local time, as ``datetime.timestamp``
    reads it (``datetime.now()`` is right; for UTC clocks use ``datetime.now(timezone.utc)``)."""
    if time_value.tzinfo is None:
        return time_value.timestamp()
    # Exact: whole microseconds over 10**6, one rounding.
    return (time_value - _EPOCH) / _datetime.timedelta(microseconds=1) / 1e6


def encode_points_header(series_id: int, count: int) -> bytes:
    """The 16 bytes before a Points frame's columns: header, count, reserved zero."""
    return _HEADER.pack(8 + 16 * count, POINTS, 0, series_id) + _POINTS_PREFIX.pack(count, 0)


def encode_points(series_id: int, xs: array.array, ys: array.array) -> bytes:
    """A Points frame: the x column, then the y column, as little-endian doubles (``array('d')`` columns)."""
    if len(xs) != len(ys):
        raise ValueError(f"xs has {len(xs)} values but ys has {len(ys)}; they must be equal")
    out = bytearray(encode_points_header(series_id, len(xs)))
    _append_column(out, xs)
    _append_column(out, ys)
    return bytes(out)


def encode_dropped(series_id: int, total: int) -> bytes:
    """A Dropped frame: the running total of points dropped for a series."""
    return _HEADER.pack(8, DROPPED, 0, series_id) + _DROPPED_TOTAL.pack(total)


def encode_finish() -> bytes:
    """The Finish frame: the stream is complete."""
    return _HEADER.pack(0, FINISH, 0, 0)


def encode_hello(name: str, token: str) -> bytes:
    """A Hello frame (version 2): the producer's name (UTF-8) and the viewer's token (ASCII), zero-padded."""
    name_bytes = name.encode("utf-8")
    token_bytes = token.encode("ascii")
    used = 8 + len(name_bytes) + len(token_bytes)
    payload = (used + 7) & ~7
    return b"".join((
        _HEADER.pack(payload, HELLO, 0, 0),
        struct.pack("<HHI", len(name_bytes), len(token_bytes), 0),
        name_bytes,
        token_bytes,
        bytes(payload - used),
    ))


def _append_column(out: bytearray, column: array.array) -> None:
    if _LITTLE_ENDIAN:
        out += column
    else:
        swapped = array.array("d", column)
        swapped.byteswap()
        out += swapped


# ---------------------------------------------------------------------------------------------------------------
# Checking arguments the way the .NET producer does: ValueError naming the bad value.


def check_format(fmt: str) -> None:
    """Raises ValueError naming the bad part of a matplotlib format string such as "ro" or "b--"."""
    if not isinstance(fmt, str):
        raise TypeError(f"format string must be a str, not {type(fmt).__name__}")
    if len(fmt) > MAX_FORMAT_BYTES:
        raise ValueError(f"format string {fmt!r} is longer than {MAX_FORMAT_BYTES} characters")
    colour = marker = line = None
    i = 0
    while i < len(fmt):
        style = next((s for s in _LINE_STYLES if fmt.startswith(s, i)), None)
        if style is not None:
            if line is not None:
                raise ValueError(f"format string {fmt!r} has two line styles ({line!r} and {style!r})")
            line = style
            i += len(style)
            continue
        ch = fmt[i]
        if ch in _COLOURS:
            if colour is not None:
                raise ValueError(f"format string {fmt!r} has two colours ({colour!r} and {ch!r})")
            colour = ch
        elif ch in _MARKERS:
            if marker is not None:
                raise ValueError(f"format string {fmt!r} has two markers ({marker!r} and {ch!r})")
            marker = ch
        else:
            raise ValueError(
                f"format string {fmt!r} has unknown character {ch!r} at position {i}; "
                "use a colour (bgrcmykw), a marker (o.s^vx+*) or a line style (- -- : -.)")
        i += 1


def _check_name(name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"series name must be a str, not {type(name).__name__}")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError as e:
        raise ValueError(f"series name {name!r} is not valid text: {e.reason} at position {e.start}") from None
    if not 1 <= size <= MAX_NAME_BYTES:
        raise ValueError(f"series name {name!r} is {size} UTF-8 bytes; a name takes 1 to {MAX_NAME_BYTES}")


def _check_options(buffer_points, when_full, max_buffer_bytes=None) -> None:
    if when_full not in ("drop", "block"):
        raise ValueError(f"when_full {when_full!r} is not a known policy: use \"drop\" (never wait) or \"block\" (lose nothing)")
    if isinstance(buffer_points, bool) or not isinstance(buffer_points, int):
        raise TypeError(f"buffer_points must be an int, not {type(buffer_points).__name__}")
    if buffer_points < 1:
        raise ValueError(f"buffer_points {buffer_points} must be at least 1")
    if max_buffer_bytes is None:
        return
    if isinstance(max_buffer_bytes, bool) or not isinstance(max_buffer_bytes, int):
        raise TypeError(f"max_buffer_bytes must be an int, not {type(max_buffer_bytes).__name__}")
    if max_buffer_bytes < 16 * buffer_points:
        raise ValueError(f"max_buffer_bytes {max_buffer_bytes} must be at least 16 bytes a point times buffer_points "
                         f"({16 * buffer_points}), the buffer it grows from")


def _column(values, what: str) -> memoryview:
    """``values`` as a flat byte view of native doubles, copied only where it must be converted."""
    try:
        view = memoryview(values)
    except TypeError:
        view = None
    if view is not None:
        if view.ndim != 1:
            raise ValueError(f"{what} has {view.ndim} dimensions (shape {view.shape}); give one column")
        if view.format in _NATIVE_DOUBLE:
            # float64 columns (array('d'), numpy) go straight in: no Python loop, no conversion.
            return view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
        if view.format == _SWAPPED_DOUBLE:
            swapped = array.array("d", view.tobytes())
            swapped.byteswap()
            return memoryview(swapped).cast("B")
        try:
            # Other native number formats (float32, ints) convert value by value in C.
            return memoryview(array.array("d", view)).cast("B")
        except (TypeError, NotImplementedError, ValueError):
            pass
    try:
        return memoryview(array.array("d", values)).cast("B")
    except TypeError:
        raise TypeError(f"{what} must be a sequence of numbers or a buffer of doubles, not {type(values).__name__}") from None


# ---------------------------------------------------------------------------------------------------------------
# The producer.


class Series:
    """A named series of (x, y) points. ``add`` is safe from any thread and never waits under when_full="drop".

    Time on x: ``add`` and ``add_many`` take ``datetime`` x values, sent as Unix seconds (see ``unix_seconds``), and
    mark the series as timed so its panel shows dates and times. The mark goes out with the series' definition,
    which is sent with its first points (or when a series made after it sends first): add times from the first
    point on. Numbers added to a timed series are read as Unix seconds."""

    __slots__ = ("_plot", "_id", "_kind", "_name", "_fmt", "_panel", "_time", "_xs", "_ys", "_full", "_dropped", "_late",
                 "_dropped_sent", "__weakref__")

    def __init__(self, plot: "Plot", series_id: int, kind: int, name: str, fmt: str, panel: int = 0):
        self._plot = plot
        self._id = series_id
        self._kind = kind
        self._name = name
        self._fmt = fmt
        self._panel = panel
        self._time = False
        # The batch being filled, and full batches waiting for the writer.
        self._xs = array.array("d")
        self._ys = array.array("d")
        self._full: deque = deque()
        # Dropped because the buffer was full (sent to the viewer), and not sent for any other reason: added after
        # finish, after the viewer was lost, or in the buffer when it was lost.
        self._dropped = 0
        self._late = 0
        self._dropped_sent = 0

    @property
    def name(self) -> str:
        """The name the legend shows."""
        return self._name

    @property
    def fmt(self) -> str:
        """The matplotlib-style format string, such as "ro" or "b-"."""
        return self._fmt

    @property
    def kind(self) -> str:
        """"scatter" (points in any order) or "line" (x must not decrease)."""
        return "scatter" if self._kind == SCATTER else "line"

    @property
    def x_is_time(self) -> bool:
        """True once a datetime x was added."""
        return self._time

    @property
    def dropped(self) -> int:
        """Points of this series not sent: dropped because the buffer was full, or added after finish or after the viewer was lost."""
        with self._plot._lock:
            return self._dropped + self._late

    def add(self, x, y: float) -> None:
        """Adds one point; ``x`` is a number or a ``datetime`` (time on x). Never raises once the plot is finished or
        the viewer is gone: such points are counted in ``dropped``."""
        plot = self._plot
        with plot._lock:
            if plot._room > 0 and not plot._closed:
                xs = self._xs
                try:
                    xs.append(x)
                    self._ys.append(y)
                except TypeError:
                    if len(xs) > len(self._ys):
                        xs.pop()
                    # Times take the slow path: numbers, the common case, pay nothing for them.
                    if not isinstance(x, _datetime.datetime):
                        raise TypeError(f"add({x!r}, {y!r}): x must be a real number or a datetime, y a real number") from None
                else:
                    plot._room -= 1
                    n = len(xs)
                    if n >= _BATCH_POINTS:
                        self._seal()
                    elif n == 1 and plot._unsent_since is None:
                        # The first point of a quiet stream starts the flush clock.
                        plot._unsent_since = time.monotonic()
                        plot._work.notify()
                    return
        self._add_slow(x, y)

    def add_many(self, xs, ys) -> None:
        """Adds two columns of equal length: any sequences of numbers, ``array('d')``, or numpy arrays (float64 is copied
        in bulk through the buffer protocol, without a Python loop). Raises ValueError if the lengths differ."""
        try:
            xb = _column(xs, "xs")
        except TypeError:
            seconds = _times(xs)
            if seconds is None:
                raise
            # Marked before the points are stored, so the writer that takes them defines the series as timed.
            self._time = True
            xb = memoryview(seconds).cast("B")
        yb = _column(ys, "ys")
        if len(xb) != len(yb):
            raise ValueError(f"xs has {len(xb) // 8} values but ys has {len(yb) // 8}; they must be equal")
        total = len(xb) // 8
        at = 0
        plot = self._plot
        while at < total:
            with plot._lock:
                if plot._closed:
                    self._late += total - at
                    late = True
                    break
                room = plot._room
                if room == 0:
                    if plot._block:
                        plot._wait_for_room()
                        continue
                    self._dropped += total - at
                    plot._dropped_changed()
                    late = False
                    break
                n = min(room, total - at, _BATCH_POINTS - len(self._xs))
                was_empty = len(self._xs) == 0
                self._xs.frombytes(xb[8 * at:8 * (at + n)])
                self._ys.frombytes(yb[8 * at:8 * (at + n)])
                plot._room -= n
                at += n
                if len(self._xs) >= _BATCH_POINTS:
                    self._seal()
                elif was_empty and plot._unsent_since is None:
                    plot._unsent_since = time.monotonic()
                    plot._work.notify()
        else:
            return
        plot._report_drop(late)

    def __repr__(self) -> str:
        return f"Series({self._name!r}, {self._fmt!r}, {self.kind})"


    # Under the plot's lock: the batch being filled is full; hand it to the writer.
    def _seal(self) -> None:
        self._full.append((self._xs, self._ys))
        self._xs = array.array("d")
        self._ys = array.array("d")
        self._plot._sealed += 1
        self._plot._work.notify()

    def _add_slow(self, x, y) -> None:
        plot = self._plot
        if isinstance(x, _datetime.datetime):
            self._time = True
            x = unix_seconds(x)
        with plot._lock:
            while True:
                if plot._closed:
                    self._late += 1
                    late = True
                    break
                if plot._room > 0:
                    float(x), float(y)  # the same TypeError as the fast path, before anything is stored
                    self._xs.append(x)
                    self._ys.append(y)
                    plot._room -= 1
                    if len(self._xs) >= _BATCH_POINTS:
                        self._seal()
                    elif plot._unsent_since is None:
                        plot._unsent_since = time.monotonic()
                        plot._work.notify()
                    return
                if not plot._block:
                    self._dropped += 1
                    plot._dropped_changed()
                    late = False
                    break
                plot._wait_for_room()
        plot._report_drop(late)


def _times(values):
    """A column of datetimes as array('d') of Unix seconds, or None when it is not one."""
    try:
        seq = list(values)
    except TypeError:
        return None
    if not seq or not all(isinstance(v, _datetime.datetime) for v in seq):
        return None
    return array.array("d", map(unix_seconds, seq))


class Panel:
    """One chart of a plot, stacked below the panels made before it, with its own y axis, title and labels, as one
    matplotlib subplot. Made by ``Plot.panel``; make its series here."""

    __slots__ = ("_plot", "_id", "title")

    def __init__(self, plot: "Plot", panel_id: int, title):
        self._plot = plot
        self._id = panel_id
        self.title = title

    def line(self, name: str, fmt: str = "-") -> Series:
        """Adds a line series to this panel: points joined in order of x, which must not decrease."""
        return self._plot._add_series(LINE, name, fmt, self._id)

    def scatter(self, name: str, fmt: str = "o") -> Series:
        """Adds a scatter series to this panel: markers at each point, in any order."""
        return self._plot._add_series(SCATTER, name, fmt, self._id)

    def __repr__(self) -> str:
        return f"Panel({self.title!r})"


def _panel_properties(title, xlabel, ylabel, xscale, yscale, linkx, what: str) -> list:
    """The properties that differ from the protocol's defaults, checked: ValueError naming the bad value."""
    properties = []
    for key, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise TypeError(f"{what} {key} must be a str, not {type(value).__name__}")
        if len(value.encode("utf-8", "replace")) > MAX_PROPERTY_VALUE_BYTES:
            raise ValueError(f"{what} {key} {value[:40]!r} is longer than {MAX_PROPERTY_VALUE_BYTES} UTF-8 bytes")
        properties.append((key, value))
    for key, value in (("xscale", xscale), ("yscale", yscale)):
        if value not in _SCALES:
            raise ValueError(f"{what} {key} {value!r} is not a scale: use \"linear\" or \"log\"")
        if value == "log":
            properties.append((key, value))
    if not isinstance(linkx, bool):
        raise ValueError(f"{what} linkx {linkx!r} must be True or False")
    if not linkx:
        properties.append(("linkx", "false"))
    return properties


class Plot:
    """A live plot fed to a PlotPipe viewer. Make series, add points, then ``finish()``; or use it in a ``with`` block."""

    def __init__(self, sink, *, buffer_points: int = 1 << 18, when_full: str = "drop", preamble: bytes | None = None,
                 viewer: "_ViewerProcess | None" = None, finish_timeout: float = 10.0, title: str | None = None,
                 max_buffer_bytes: int | None = None):
        """Writes frames into ``sink`` (an object with ``write(bytes)`` that writes everything, and ``close()``).
        ``preamble`` is the handshake and Hello (default: version 2, this program's name, no token); ``title`` the
        plot's. Use ``spawn``, ``connect`` or ``to_stream`` rather than this."""
        _check_options(buffer_points, when_full, max_buffer_bytes)
        # A plot without a title sends no DefinePlot: on a listening viewer it would reset another producer's title.
        plot_properties = _panel_properties(title, None, None, "linear", "linear", True, "plot")
        self._sink = sink
        self._viewer = viewer
        # Batches are made as points come and freed once written, so the buffer holds only what waits, up to this.
        if max_buffer_bytes is None:
            # Under "block" add waits rather than drops: growing would only let the page fall further behind.
            max_buffer_bytes = 16 * buffer_points if when_full == "block" else max(_DEFAULT_MAX_BUFFER_BYTES, 16 * buffer_points)
        self._max_buffer_bytes = max_buffer_bytes
        self._bound_points = max_buffer_bytes // 16
        self._block = when_full == "block"
        self._finish_timeout = finish_timeout
        if preamble is None:
            preamble = encode_handshake(2) + encode_hello(_default_producer_name(), "")
        self._preamble = preamble + (encode_define_plot(plot_properties) if plot_properties else b"")
        # One lock for every buffer: _work wakes the writer, _space wakes adds waiting for room (when_full="block").
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._space = threading.Condition(self._lock)
        self._series: list[Series] = []
        # Panels 1..63 as DefinePanel frames; the writer sends each once, before any series of it. Series are
        # defined in order, with their first points (so a first datetime marks them as timed), or at the end.
        self._panels: list[bytes] = []
        self._panels_sent = 0
        self._defined = 0
        self._room = self._bound_points
        self._sealed = 0
        self._unsent_since: float | None = None
        self._room_wanted = False
        self._changed = False  # a new series or a new drop for the writer to send
        self._closed = False   # finished or lost: adds are counted, not sent
        self._ending: str | None = None  # "finish" or "close", once asked for
        self._lost = False
        self._lost_reason: str | None = None
        self._warned_full = self._warned_late = False
        self._done = threading.Event()
        self._writer = threading.Thread(target=self._run, name="plotpipe writer", daemon=True)
        self._writer.start()
        _live.add(self)

    # -- the user's side ---------------------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The viewer page's address with its access token; None for a plot that writes to a stream."""
        return self._viewer.url if self._viewer is not None else None

    @property
    def viewer_connected(self) -> bool:
        """False once the viewer has gone away (closed, crashed, or refused the stream); later points are counted as dropped."""
        return not self._lost

    @property
    def viewer_lost_reason(self) -> str | None:
        """Why the viewer went away, in its own words where it gave them (they may take a moment to arrive after
        ``viewer_connected`` turns False); None while it is connected."""
        return self._lost_reason

    @property
    def dropped(self) -> int:
        """Points not sent over all series: dropped because the buffer was full, or added after finish or after the viewer was lost."""
        with self._lock:
            return sum(s._dropped + s._late for s in self._series)

    @property
    def series(self) -> list:
        """The series in order of definition."""
        with self._lock:
            return list(self._series)

    def scatter(self, name: str, fmt: str = "o") -> Series:
        """Adds a scatter series: markers at each point, in any order. ``fmt`` as in matplotlib, e.g. "ro"."""
        return self._add_series(SCATTER, name, fmt)

    def line(self, name: str, fmt: str = "-") -> Series:
        """Adds a line series: points joined in order of x, which must not decrease. ``fmt`` as in matplotlib, e.g. "b-"."""
        return self._add_series(LINE, name, fmt)

    def panel(self, title: str | None = None, *, xlabel: str | None = None, ylabel: str | None = None,
              xscale: str = "linear", yscale: str = "linear", linkx: bool = True) -> Panel:
        """Adds a panel below the ones made before it, with its own y axis, as matplotlib's subplots: ``title`` above
        it, axis labels, scales "linear" or "log", and ``linkx`` False to zoom its x on its own. At most 63 panels
        besides the default one, where ``plot.line`` and ``plot.scatter`` put series. Raises ValueError naming a bad value."""
        what = f"panel {title!r}"
        properties = _panel_properties(title, xlabel, ylabel, xscale, yscale, linkx, what)
        with self._lock:
            if self._ending is not None:
                raise RuntimeError(f"cannot add {what}: the plot is finished")
            if len(self._panels) >= MAX_PANELS - 1:
                raise ValueError(f"a plot holds at most {MAX_PANELS - 1} panels besides the default one; {what} would be one more")
            panel_id = len(self._panels) + 1
            self._panels.append(encode_define_panel(panel_id, properties))
            self._dropped_changed()
            return Panel(self, panel_id, title or None)

    def finish(self, timeout: float | None = None) -> bool:
        """Ends the stream, like the matplotlib example's None: every point added before this call is sent, then the
        Finish frame, and the viewer keeps the picture up. Waits up to ``timeout`` seconds (default: the plot's
        finish timeout, 10 s; 0 returns at once) for everything to reach the viewer and for a spawned viewer to save
        the picture asked for (``save_png``), so it is on disk when this returns; returns True once both are done."""
        return self._end("finish", timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Sends what is buffered and closes the stream without finishing it: the viewer keeps every point and shows
        the stream as disconnected. For a producer that stops early (the ``with`` block does this on an exception).
        Waits as ``finish`` does, pictures included."""
        return self._end("close", timeout)

    def close_viewer(self) -> None:
        """Stops the spawned viewer now, page and all."""
        if self._viewer is not None:
            self._viewer.kill()

    def wait_for_viewer_exit(self, timeout: float | None = None) -> int | None:
        """Waits for the spawned viewer to exit and returns its exit code (None if it is still running after ``timeout``)."""
        return self._viewer.wait(timeout) if self._viewer is not None else 0

    def __enter__(self) -> "Plot":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._end("finish" if exc_type is None else "close", None)

    def __repr__(self) -> str:
        return f"<plotpipe.Plot {self.url or 'stream'} series={len(self._series)}>"

    def _add_series(self, kind: int, name: str, fmt: str, panel: int = 0) -> Series:
        _check_name(name)
        check_format(fmt)
        with self._lock:
            if self._ending is not None:
                raise RuntimeError(f"cannot add series {name!r}: the plot is finished")
            if len(self._series) >= MAX_SERIES:
                raise ValueError(f"a plot holds at most {MAX_SERIES} series; {name!r} would be one more")
            series = Series(self, len(self._series), kind, name, fmt, panel)
            self._series.append(series)
            return series

    def _end(self, how: str, timeout: float | None) -> bool:
        with self._lock:
            if self._ending is None:
                self._ending = how
                self._closed = True
                self._work.notify()
                self._space.notify_all()
        if timeout is None:
            timeout = self._finish_timeout
        deadline = time.monotonic() + timeout
        if not self._done.wait(timeout):
            if timeout > 0:
                _log.warning("PlotPipe: the viewer did not take the last points within %g s; giving up on them", timeout)
            return False
        if self._lost:
            return False
        if self._viewer is None:
            return True
        # The viewer saves its pictures once the stream has ended, and says so on standard error, one line each.
        if not self._viewer.wait_for_pictures(max(0.0, deadline - time.monotonic())):
            if timeout > 0:
                _log.warning("PlotPipe: the viewer had not saved %s within %g s; not waiting for it any longer",
                             ", ".join(self._viewer.pictures_not_saved), timeout)
            return False
        return self._viewer.pictures_saved

    # -- shared, under the lock ---------------------------------------------------------------------------------

    def _dropped_changed(self) -> None:
        if not self._changed:
            self._changed = True
            self._work.notify()

    def _wait_for_room(self) -> None:
        # The writer takes partial batches for a producer out of room, so room always comes back.
        self._room_wanted = True
        self._work.notify()
        self._space.wait()

    def _report_drop(self, late: bool) -> None:
        # Outside the lock; a plain read first, so a flood of drops costs no logging.
        if late:
            if self._warned_late or self._lost:
                return
            self._warned_late = True
            _log.warning("PlotPipe: points added after finish are not sent; they are counted in dropped")
        else:
            if self._warned_full:
                return
            self._warned_full = True
            # Through the "plotpipe" logger, which Python prints on standard error when the program set up no logging.
            _log.warning("PlotPipe: dropping points: the viewer is not taking them as fast as they come and the buffer is "
                         "at its bound of %s MiB (max_buffer_bytes); raise max_buffer_bytes to hold longer bursts, or pass "
                         "when_full=\"block\" to wait instead of dropping. Dropped points are counted in dropped and on the page",
                         f"{self._max_buffer_bytes / 1048576:.3g}")

    # -- the writer's side --------------------------------------------------------------------------------------

    def _run(self) -> None:
        in_flight: list = []
        try:
            self._sink.write(self._preamble)
            while True:
                with self._lock:
                    self._wait_for_work()
                    ending = self._ending
                    take_partial = (ending is not None or self._room_wanted
                                    or (self._unsent_since is not None and time.monotonic() >= self._unsent_since + _FLUSH_SECONDS))
                    self._room_wanted = False
                    in_flight = self._take(take_partial)
                self._send(in_flight)
                in_flight = []
                if ending is not None:
                    if ending == "finish":
                        self._sink.write(encode_finish())
                    break
        except Exception as e:
            # A broken pipe, a closed socket, a file closed under us: the viewer is gone. Anything else that stops the
            # writer ends the stream the same way, so no add ever waits on a writer that is not there.
            self._lose(e, in_flight)
        finally:
            try:
                self._sink.close()
            except (OSError, ValueError):
                pass
            self._done.set()

    # Under the lock: sleeps until something is due.
    def _wait_for_work(self) -> None:
        while self._ending is None and not self._sealed and not self._room_wanted and not self._changed:
            since = self._unsent_since
            if since is None:
                self._work.wait()
                continue
            left = since + _FLUSH_SECONDS - time.monotonic()
            if left <= 0:
                return
            self._work.wait(left)

    # Under the lock: what is due, in order, as bytes (DefineSeries, Dropped) and (series, xs, ys) batches.
    def _take(self, take_partial: bool) -> list:
        out: list = self._panels[self._panels_sent:]
        self._panels_sent = len(self._panels)
        partial_left = False
        ending = self._ending is not None
        for i, s in enumerate(self._series):
            if i >= self._defined and (ending or s._full or (take_partial and s._xs) or s._dropped != s._dropped_sent):
                # Earlier series first, whether or not they have points yet: the legend keeps the order they were made in.
                for d in self._series[self._defined:i + 1]:
                    out.append(encode_define_series(d._id, d._kind, d._name, d._fmt, d._panel, TIME_X if d._time else 0))
                self._defined = i + 1
            while s._full:
                xs, ys = s._full.popleft()
                out.append((s, xs, ys))
            if s._xs:
                if take_partial:
                    out.append((s, s._xs, s._ys))
                    s._xs = array.array("d")
                    s._ys = array.array("d")
                else:
                    partial_left = True
            if s._dropped != s._dropped_sent:
                s._dropped_sent = s._dropped
                out.append(encode_dropped(s._id, s._dropped))
        self._sealed = 0
        self._changed = False
        if not partial_left:
            self._unsent_since = None
        return out

    # Outside the lock: encodes into blocks of about _WRITE_BYTES and gives each block's room back once written.
    # On a failed write, ``items`` keeps what did not go out, for the loss to count.
    def _send(self, items: list) -> None:
        block = bytearray()
        points = written = 0
        try:
            for i, item in enumerate(items):
                if isinstance(item, bytes):
                    block += item
                else:
                    s, xs, ys = item
                    block += encode_points_header(s._id, len(xs))
                    _append_column(block, xs)
                    _append_column(block, ys)
                    points += len(xs)
                if len(block) >= _WRITE_BYTES:
                    self._sink.write(block)
                    written = i + 1
                    self._give_back(points)
                    block = bytearray()
                    points = 0
            if block:
                self._sink.write(block)
        except BaseException:
            del items[:written]
            raise
        items.clear()
        self._give_back(points)

    def _give_back(self, points: int) -> None:
        if points:
            with self._lock:
                self._room += points
                self._space.notify_all()

    def _lose(self, error: Exception, in_flight: list) -> None:
        with self._lock:
            self._closed = True
            self._lost = True
            # Nothing more reaches the viewer: everything buffered, or in the block that failed, is counted as dropped.
            for item in in_flight:
                if not isinstance(item, bytes):
                    item[0]._late += len(item[1])
            for s in self._series:
                s._late += len(s._xs) + sum(len(xs) for xs, _ in s._full)
                s._xs = array.array("d")
                s._ys = array.array("d")
                s._full.clear()
            self._room = self._bound_points
            self._space.notify_all()
        source = self._viewer if self._viewer is not None else self._sink
        reason = source.reason(_REASON_WAIT) if hasattr(source, "reason") else None
        self._lost_reason = reason or str(error) or type(error).__name__
        _log.warning("PlotPipe: the viewer went away (%s); points added from now on are counted as dropped", self._lost_reason)


# ---------------------------------------------------------------------------------------------------------------
# Transports. A sink takes whole blocks of encoded frames.


class _PipeSink:
    """The spawned viewer's standard input."""

    def __init__(self, pipe):
        self._pipe = pipe
        self._fd = pipe.fileno()

    def write(self, data) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def close(self) -> None:
        self._pipe.close()


class _StreamSink:
    """Any binary file-like object: a file to replay, a socket's makefile, a pipe started elsewhere."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data) -> None:
        view = memoryview(data)
        while view:
            n = self._stream.write(view)
            # Buffered streams take everything; a raw one may take part, or nothing for now (None) if non-blocking.
            if n is None:
                time.sleep(0.001)
                continue
            view = view[n:]
        flush = getattr(self._stream, "flush", None)
        if flush is not None:
            flush()

    def close(self) -> None:
        self._stream.close()


class _SocketSink:
    """A connection to a viewer listening for producers. The viewer writes back only to refuse (one line, then it
    closes); a thread reads that line so a loss can quote it."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._refusal: str | None = None
        self._reader = threading.Thread(target=self._read, name="plotpipe refusal reader", daemon=True)
        self._reader.start()

    def write(self, data) -> None:
        self._sock.sendall(data)

    def close(self) -> None:
        try:
            # Shutting both directions first wakes the reader and sends what is queued before the end of stream.
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    def reason(self, wait: float) -> str | None:
        self._reader.join(wait)
        return self._refusal

    def _read(self) -> None:
        said = bytearray()
        try:
            while len(said) < 1024:
                chunk = self._sock.recv(1024 - len(said))
                if not chunk:
                    break
                said += chunk
        except OSError:
            pass
        line = said.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        if line.startswith(_REFUSAL_PREFIX):
            self._refusal = line


class _ViewerProcess:
    """The spawned viewer: fed through its standard input; prints its address on standard output. Its standard error
    is passed on line by line to ours, and its last lines are kept to explain a failure in its own words."""

    def __init__(self, command: list, pictures: list | None = None):
        self.command = command
        # The pictures asked for (full paths, as on the command line) and not yet reported saved or failed.
        self._pictures = list(pictures or [])
        self._pictures_failed = False
        self._pictures_settled = threading.Event()
        if not self._pictures:
            self._pictures_settled.set()
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, bufsize=0)
        except OSError as e:
            raise RuntimeError(f"could not start the viewer {shlex.join(command)!r}: {e.strerror or e}") from None
        self.url: str | None = None
        self._address = threading.Event()
        self._errors_closed = threading.Event()
        self._reason_seen = threading.Event()
        self._last: deque = deque(maxlen=_KEPT_LINES)
        self._reason: str | None = None
        threading.Thread(target=self._read_output, name="plotpipe viewer output", daemon=True).start()
        threading.Thread(target=self._read_errors, name="plotpipe viewer errors", daemon=True).start()

    @property
    def stdin(self):
        return self._process.stdin

    @property
    def pid(self) -> int:
        return self._process.pid

    def wait_for_url(self, timeout: float) -> str:
        if not self._address.wait(timeout):
            self.kill()
            raise RuntimeError(f"the viewer {shlex.join(self.command)!r} did not report its address within {timeout:g} s")
        if self.url is None:
            self._errors_closed.wait(2)
            try:
                code = self._process.wait(2)
                exit = f"exited with code {code}"
            except subprocess.TimeoutExpired:
                self.kill()
                exit = "closed its output"
            said = ("its last error output: " + " | ".join(self._last)) if self._last else "it wrote nothing to standard error"
            raise RuntimeError(f"the viewer {shlex.join(self.command)!r} {exit} before printing its address; {said}")
        return self.url

    def reason(self, wait: float) -> str | None:
        """The viewer's own explanation of why it stopped reading, waiting up to ``wait`` seconds for it."""
        deadline = time.monotonic() + wait
        while not self._reason_seen.is_set() and not self._errors_closed.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._reason_seen.wait(min(left, 0.02)):
                break
        return self._reason

    def wait_for_pictures(self, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until the viewer has said, for every picture asked for, that it saved it or
        could not; or until it has exited, when nothing more will be saved. True unless the time ran out."""
        deadline = time.monotonic() + timeout
        while not self._pictures_settled.is_set() and not self._errors_closed.is_set() and self._process.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._pictures_settled.wait(min(left, 0.05))
        return True

    @property
    def pictures_not_saved(self) -> list:
        """The pictures asked for that the viewer has not reported saving."""
        return list(self._pictures)

    @property
    def pictures_saved(self) -> bool:
        """True when every picture asked for was reported saved."""
        return not self._pictures and not self._pictures_failed

    def kill(self) -> None:
        try:
            self._process.kill()
        except OSError:
            pass

    def wait(self, timeout: float | None) -> int | None:
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _read_output(self) -> None:
        # Read to the end, so the viewer never blocks on a full pipe, whatever else it prints.
        try:
            for raw in self._process.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                # Only an address counts: a usage text may quote the prefix too.
                address = line[len(_ADDRESS_PREFIX):].strip() if line.startswith(_ADDRESS_PREFIX) else ""
                if self.url is None and address.startswith(("http://", "https://")):
                    self.url = address
                    self._address.set()
        except (OSError, ValueError):
            pass
        finally:
            self._address.set()

    def _read_errors(self) -> None:
        try:
            for raw in self._process.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if sys.stderr is not None:
                    try:
                        print(line, file=sys.stderr, flush=True)
                    except (OSError, ValueError):
                        pass
                if line.strip():
                    self._last.append(line)
                if line.startswith(_REASON_PREFIXES):
                    self._reason = line
                    self._reason_seen.set()
                if self._pictures and line.startswith((_SAVED_PREFIX, _NOT_SAVED_PREFIX)):
                    self._picture_settled(line)
        except (OSError, ValueError):
            pass
        finally:
            self._errors_closed.set()


    def _picture_settled(self, line: str) -> None:
        for picture in self._pictures:
            if line == _SAVED_PREFIX + picture or line.startswith(_NOT_SAVED_PREFIX + picture + ":"):
                self._pictures.remove(picture)
                self._pictures_failed |= line.startswith(_NOT_SAVED_PREFIX)
                break
        if not self._pictures:
            self._pictures_settled.set()


def _viewer_command(viewer) -> list:
    if viewer is None:
        viewer = os.environ.get("PLOTPIPE_VIEWER") or None
    if viewer is None:
        found = shutil.which("plotpipe")
        if found is None:
            raise RuntimeError("no PlotPipe viewer found: install the plotpipe tool (dotnet tool install -g PlotPipe.Tool) "
                               "or set PLOTPIPE_VIEWER to the command that runs one, e.g. \"plotpipe view\"")
        return [found, "view"]
    if isinstance(viewer, str):
        command = shlex.split(viewer, posix=os.name != "nt")
    else:
        command = [os.fspath(part) for part in viewer]
    if not command:
        raise ValueError(f"viewer command {viewer!r} is empty")
    return command


def spawn(*, open_browser: bool = True, save_png=None, exit_on_finish: bool = False, linger: float | None = None,
          port: int = 0, max_points: int = 0, buffer_points: int = 1 << 18, when_full: str = "drop",
          finish_timeout: float = 10.0, viewer=None, title: str | None = None, name: str | None = None,
          max_buffer_bytes: int | None = None) -> Plot:
    """Starts a viewer (`plotpipe view --stdin` from PATH, or the command in $PLOTPIPE_VIEWER, or ``viewer``), waits
    until it serves its page, and returns the plot that feeds it.

    open_browser: open the page in the default browser (skipped where there is no display).
    save_png: a path; the viewer saves the final picture there when the stream ends, and finish() returns once it has.
    exit_on_finish: the viewer exits right after the stream ends instead of staying up for the page.
    linger: once the producer is gone, the viewer exits after this many seconds with no page open (its default: 60).
    port: the page's port; 0 picks a free one. max_points: cap on points kept per series (0 keeps all).
    max_buffer_bytes: most bytes the buffer (shared by every series, 16 bytes a point) grows to while the viewer is
    behind; only beyond it does when_full apply. None: 256 MiB, or a quarter of the machine's memory if less (with
    when_full="block", 16 bytes times buffer_points: add waits instead of the buffer growing).
    buffer_points: what the .NET producer keeps ready before it grows; here batches are made as points come and freed
    once sent, so it is only the least max_buffer_bytes may be (16 bytes a point).
    when_full: "drop" (add never waits; drops are counted and shown) or "block" (add waits; nothing is lost).
    finish_timeout: how long finish() and the with block wait for buffered points to reach the viewer and for the
    picture asked for to be saved.
    title: the plot's title (the viewer shows "PlotPipe" without one). name: the producer's name, as for ``connect``.

    Raises ValueError for a bad option, RuntimeError (quoting the viewer's own error output) if it cannot start."""
    _check_options(buffer_points, when_full, max_buffer_bytes)
    preamble = encode_handshake(2) + encode_hello(_checked_name(name), "")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port {port!r} is not a TCP port (0 to 65535)")
    if linger is not None and not linger >= 0:
        raise ValueError(f"linger {linger!r} must be a number of seconds, 0 or more")
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 0:
        raise ValueError(f"max_points {max_points!r} must be an int, 0 or more")
    command = _viewer_command(viewer) + ["--stdin", "--port", str(port)]
    if linger is not None:
        command += ["--linger", repr(float(linger))]
    if not open_browser:
        command.append("--no-browser")
    if exit_on_finish:
        command.append("--exit-on-finish")
    pictures = []
    if save_png is not None:
        pictures.append(os.path.abspath(os.fspath(save_png)))
        command += ["--png", pictures[-1]]
    if max_points:
        command += ["--max-points", str(max_points)]
    process = _ViewerProcess(command, pictures)
    process.wait_for_url(_START_TIMEOUT)
    return Plot(_PipeSink(process.stdin), buffer_points=buffer_points, when_full=when_full, viewer=process,
                finish_timeout=finish_timeout, preamble=preamble, title=title, max_buffer_bytes=max_buffer_bytes)


def _parse_address(address) -> tuple:
    if not isinstance(address, str) or not address.lower().startswith("tcp://"):
        raise ValueError(f"address {address!r} is not a tcp:// address (as in tcp://127.0.0.1:5000)")
    rest = address[len("tcp://"):].rstrip("/")
    host, colon, port_text = rest.rpartition(":")
    if not colon or rest.endswith("]"):
        raise ValueError(f"address {address!r} has no port (as in tcp://127.0.0.1:5000)")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or "/" in host or "@" in host:
        raise ValueError(f"address {address!r} has no host name or address before its port")
    if not (port_text.isascii() and port_text.isdigit()) or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"address {address!r} has port {port_text!r}; a port is 1 to 65535")
    return host, int(port_text)


def _default_producer_name() -> str:
    program = os.path.splitext(os.path.basename(sys.argv[0] if sys.argv and sys.argv[0] else "python"))[0] or "python"
    return f"{program[:100]}[{os.getpid()}]"


def _checked_name(name) -> str:
    name = _default_producer_name() if name is None else name
    try:
        name_size = len(name.encode("utf-8")) if isinstance(name, str) else 0
    except UnicodeEncodeError:
        name_size = 0
    if not 1 <= name_size <= MAX_PRODUCER_NAME_BYTES:
        raise ValueError(f"producer name {name!r} must be 1 to {MAX_PRODUCER_NAME_BYTES} UTF-8 bytes of valid text")
    return name


def _check_token(token: str) -> None:
    """The viewer's and the Hello's one rule for a token (AccessToken in PlotPipe.Protocol): at most 256 ASCII
    letters, digits, '-' and '_', so a token the viewer took is one this producer can send."""
    if not isinstance(token, str):
        raise ValueError(f"token must be a str, not {type(token).__name__}")
    if len(token) > MAX_TOKEN_BYTES:
        raise ValueError(f"token is {len(token)} characters; a token takes at most {MAX_TOKEN_BYTES} ASCII letters, digits, '-' and '_'")
    for i, c in enumerate(token):
        if c not in _TOKEN_CHARACTERS:
            shown = f"'{c}'" if " " < c <= "~" else f"U+{ord(c):04X}"
            raise ValueError(f"token has {shown} at character {i + 1}; a token takes ASCII letters, digits, '-' and '_' only")


def connect(address: str, *, token: str = "", name: str | None = None, buffer_points: int = 1 << 18,
            when_full: str = "drop", finish_timeout: float = 10.0, timeout: float = 10.0, title: str | None = None,
            max_buffer_bytes: int | None = None) -> Plot:
    """Connects to a viewer listening for producers (`plotpipe view --listen`) at ``address`` (``tcp://host:port``)
    and returns the plot that feeds it, speaking version 2: a Hello with ``name`` (default: the program's name and
    process id, as in ``train[4242]``) and ``token`` (the viewer's; ASCII letters, digits, '-' and '_').

    A refused producer (wrong token) is lost at once, ``viewer_lost_reason`` quoting the viewer's line. There is no
    reconnection: a dropped connection is a lost viewer, as for a spawned one. Raises ValueError for a malformed
    address, name or token, OSError if nothing answers within ``timeout`` seconds."""
    host, port = _parse_address(address)
    _check_token(token)
    name = _checked_name(name)
    _check_options(buffer_points, when_full, max_buffer_bytes)
    # Checked before connecting, so a bad title leaves no half-open connection behind.
    _panel_properties(title, None, None, "linear", "linear", True, "plot")
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Plot(_SocketSink(sock), buffer_points=buffer_points, when_full=when_full, finish_timeout=finish_timeout,
                preamble=encode_handshake(2) + encode_hello(name, token), title=title, max_buffer_bytes=max_buffer_bytes)


def to_stream(stream, *, buffer_points: int = 1 << 18, when_full: str = "drop", finish_timeout: float = 10.0,
              title: str | None = None, name: str | None = None, max_buffer_bytes: int | None = None) -> Plot:
    """A plot that writes its frames into any binary stream (a file to replay into `plotpipe view --stdin` later, a
    pipe to a viewer started elsewhere). The stream is closed when the plot finishes."""
    if not hasattr(stream, "write"):
        raise TypeError(f"stream must have a write method; {type(stream).__name__} has none")
    preamble = encode_handshake(2) + encode_hello(_checked_name(name), "")
    return Plot(_StreamSink(stream), buffer_points=buffer_points, when_full=when_full, finish_timeout=finish_timeout,
                preamble=preamble, title=title, max_buffer_bytes=max_buffer_bytes)


# A program that ends without finish() still delivers what it added: the stream shows as disconnected.
_live: "weakref.WeakSet[Plot]" = weakref.WeakSet()


@atexit.register
def _close_live_plots() -> None:
    for plot in list(_live):
        if plot._ending is None:
            plot.close()
