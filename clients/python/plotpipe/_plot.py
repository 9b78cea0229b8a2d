"""The producer: a plot, its panels and series, and the background writer that sends their points in batches."""

from __future__ import annotations

import array
import html
import math
import logging
import os
import threading
import time
import webbrowser
from collections import deque
from collections.abc import Callable
from typing import Any, Literal, Protocol, cast

from ._columns import column, number, time_value
from ._transport import Sink, TcpLink, ViewerProcess
from ._wire import (EVENT, LINE, LITTLE_ENDIAN, MARK, MAX_PANELS, MAX_SERIES, REFUSAL_PREFIX, SCATTER, SPAN, TIME_X,
                    append_column, check_event_text, check_options, check_seconds, check_series_name, encode_define_panel,
                    encode_define_plot,
                    encode_define_series, encode_dropped, encode_event, encode_finish, encode_points_header,
                    panel_properties, styled_format)

Kind = Literal["line", "scatter"]

# The buffer grows while the viewer is behind up to max_buffer_bytes: by default 256 MiB (16 M points, which a viewer
# taking 20 to 40 M points a second absorbs in under a second), or a quarter of the machine's memory when that is less.
_PREFERRED_MAX_BUFFER_BYTES = 256 << 20


def _default_max_buffer_bytes() -> int:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return _PREFERRED_MAX_BUFFER_BYTES
    return max(4 << 20, min(memory // 4, _PREFERRED_MAX_BUFFER_BYTES)) if memory > 0 else _PREFERRED_MAX_BUFFER_BYTES


DEFAULT_MAX_BUFFER_BYTES = _default_max_buffer_bytes()

# Points per Points frame: a full batch leaves at once, a partial one within _FLUSH_SECONDS.
_BATCH_POINTS = 8192
_FLUSH_SECONDS = 0.002
# Encoded frames are written in blocks of about this size: small writes into a pipe cost far more per byte.
_WRITE_BYTES = 1 << 20
# How long a refusing or failing viewer's line may take to arrive after the write that noticed it gone.
_REASON_WAIT = 0.3
# Markers that may wait for the writer at once; more are counted in dropped_events, as the .NET producer does.
MAX_PENDING_EVENTS = 65_536
# The page in a notebook: the plot's width, and a height that shows a chart with its legend.
_NOTEBOOK_HEIGHT_PX = 480

_log = logging.getLogger("plotpipe")


class _Reasoned(Protocol):
    def reason(self, wait: float) -> str | None: ...


class Series:
    """A named series of (x, y) points. ``add`` is safe from any thread and never waits under when_full="drop".

    Time on x: ``add`` and ``add_many`` take ``datetime`` x values, pandas ``Timestamp``s and numpy ``datetime64``
    (any unit), and whole columns of them (numpy ``datetime64`` arrays, pandas ``DatetimeIndex`` and datetime
    ``Series``), sent as Unix seconds, and mark the series as timed so its panel shows dates and times. The mark goes
    out with the series' definition, which is sent with its first points (or when a series made after it sends
    first): add times from the first point on. Numbers added to a timed series are read as Unix seconds."""

    __slots__ = ("_plot", "_id", "_kind", "_name", "_fmt", "_panel", "_time", "_xs", "_ys", "_full", "_dropped",
                 "_late", "_dropped_sent", "_dropped_base", "__weakref__")

    def __init__(self, plot: Plot, series_id: int, kind: int, name: str, fmt: str, panel: int = 0):
        self._plot = plot
        self._id = series_id
        self._kind = kind
        self._name = name
        self._fmt = fmt
        self._panel = panel
        self._time = False
        # The batch being filled, and full batches waiting for the writer.
        self._xs: array.array[float] = array.array("d")
        self._ys: array.array[float] = array.array("d")
        self._full: deque[tuple[array.array[float], array.array[float]]] = deque()
        # Dropped because the buffer was full (sent to the viewer), and not sent for any other reason: added after
        # finish, after the viewer was lost, or in flight on a connection that dropped.
        self._dropped = 0
        self._late = 0
        self._dropped_sent = 0
        # Drops already reported on earlier connections: a new connection is a new producer that starts from 0.
        self._dropped_base = 0

    @property
    def name(self) -> str:
        """The name the legend shows."""
        return self._name

    @property
    def fmt(self) -> str:
        """The matplotlib-style format string, such as "ro" or "b-"."""
        return self._fmt

    @property
    def kind(self) -> Kind:
        """"scatter" (points in any order) or "line" (x must not decrease)."""
        return "scatter" if self._kind == SCATTER else "line"

    @property
    def x_is_time(self) -> bool:
        """True once a time x was added."""
        return self._time

    @property
    def dropped(self) -> int:
        """Points of this series not delivered: dropped because the buffer was full, or added after finish or after
        the viewer was lost, or lost with a connection that dropped."""
        with self._plot._lock:  # pyright: ignore[reportPrivateUsage]
            return self._dropped + self._late

    def add(self, x: float | Any, y: float | Any) -> None:
        """Adds one point; ``x`` is a number or a time (``datetime``, pandas ``Timestamp``, numpy ``datetime64``), ``y``
        a number (numpy scalars too). Never raises once the plot is finished or the viewer is gone: such points are
        counted in ``dropped``. TypeError for an x or y that is neither."""
        plot = self._plot
        # Plain numbers only: array('d') would take a numpy datetime64 of nanoseconds as a count of them.
        tx = type(cast(object, x))
        with plot._lock:  # pyright: ignore[reportPrivateUsage]
            if (tx is float or tx is int) and plot._room > 0 and not plot._closed:  # pyright: ignore[reportPrivateUsage]
                xs = self._xs
                try:
                    xs.append(x)
                    self._ys.append(y)
                except TypeError:
                    if len(xs) > len(self._ys):
                        xs.pop()
                else:
                    plot._room -= 1  # pyright: ignore[reportPrivateUsage]
                    n = len(xs)
                    if n >= _BATCH_POINTS:
                        self._seal()
                    elif n == 1 and plot._unsent_since is None:  # pyright: ignore[reportPrivateUsage]
                        # The first point of a quiet stream starts the flush clock.
                        plot._unsent_since = time.monotonic()  # pyright: ignore[reportPrivateUsage]
                        plot._work.notify()  # pyright: ignore[reportPrivateUsage]
                    return
        self._add_slow(x, y)

    def add_many(self, xs: Any, ys: Any) -> None:
        """Adds two columns of equal length: sequences of numbers (or of times, for x), ``array('d')``, any buffer of
        numbers, numpy arrays of any numeric dtype (``datetime64`` of any unit for x), pandas ``Series`` and indexes
        (a ``DatetimeIndex`` or datetime ``Series`` for x). float64 columns are copied in bulk through the buffer
        protocol and others converted by numpy or in C, without a Python loop. Raises ValueError if the lengths differ."""
        xb, is_time = column(xs, "xs")
        yb, y_time = column(ys, "ys")
        if y_time:
            raise TypeError("ys holds times; y takes numbers (put times on x)")
        if len(xb) != len(yb):
            raise ValueError(f"xs has {len(xb) // 8} values but ys has {len(yb) // 8}; they must be equal")
        if is_time:
            # Marked before the points are stored, so the writer that takes them defines the series as timed.
            self._time = True
        self._store(xb, yb)

    def _store(self, xb: memoryview, yb: memoryview) -> None:
        total = len(xb) // 8
        at = 0
        plot = self._plot
        late = False
        with plot._lock:  # pyright: ignore[reportPrivateUsage]
            while at < total:
                if plot._closed:  # pyright: ignore[reportPrivateUsage]
                    self._late += total - at
                    late = True
                    break
                room = plot._room  # pyright: ignore[reportPrivateUsage]
                if room == 0:
                    if plot._block:  # pyright: ignore[reportPrivateUsage]
                        plot._wait_for_room()  # pyright: ignore[reportPrivateUsage]
                        continue
                    self._dropped += total - at
                    plot._dropped_changed()  # pyright: ignore[reportPrivateUsage]
                    break
                n = min(room, total - at, _BATCH_POINTS - len(self._xs))
                was_empty = len(self._xs) == 0
                self._xs.frombytes(xb[8 * at:8 * (at + n)])
                self._ys.frombytes(yb[8 * at:8 * (at + n)])
                plot._room -= n  # pyright: ignore[reportPrivateUsage]
                at += n
                if len(self._xs) >= _BATCH_POINTS:
                    self._seal()
                elif was_empty and plot._unsent_since is None:  # pyright: ignore[reportPrivateUsage]
                    plot._unsent_since = time.monotonic()  # pyright: ignore[reportPrivateUsage]
                    plot._work.notify()  # pyright: ignore[reportPrivateUsage]
            else:
                return
        plot._report_drop(late)  # pyright: ignore[reportPrivateUsage]

    def __repr__(self) -> str:
        return f"Series({self._name!r}, {self._fmt!r}, {self.kind})"

    # Under the plot's lock: the batch being filled is full; hand it to the writer.
    def _seal(self) -> None:
        self._full.append((self._xs, self._ys))
        self._xs = array.array("d")
        self._ys = array.array("d")
        plot = self._plot
        plot._sealed += 1  # pyright: ignore[reportPrivateUsage]
        plot._work.notify()  # pyright: ignore[reportPrivateUsage]

    def _add_slow(self, x: object, y: object) -> None:
        seconds = time_value(x)
        if seconds is not None:
            self._time = True
            x_value = seconds
        else:
            x_value = number(x)
        y_value = number(y)
        if x_value is None or y_value is None:
            raise TypeError(f"add({x!r}, {y!r}): x must be a real number or a time, y a real number")
        plot = self._plot
        with plot._lock:  # pyright: ignore[reportPrivateUsage]
            while True:
                if plot._closed:  # pyright: ignore[reportPrivateUsage]
                    self._late += 1
                    late = True
                    break
                if plot._room > 0:  # pyright: ignore[reportPrivateUsage]
                    self._xs.append(x_value)
                    self._ys.append(y_value)
                    plot._room -= 1  # pyright: ignore[reportPrivateUsage]
                    if len(self._xs) >= _BATCH_POINTS:
                        self._seal()
                    elif plot._unsent_since is None:  # pyright: ignore[reportPrivateUsage]
                        plot._unsent_since = time.monotonic()  # pyright: ignore[reportPrivateUsage]
                        plot._work.notify()  # pyright: ignore[reportPrivateUsage]
                    return
                if not plot._block:  # pyright: ignore[reportPrivateUsage]
                    self._dropped += 1
                    plot._dropped_changed()  # pyright: ignore[reportPrivateUsage]
                    late = False
                    break
                plot._wait_for_room()  # pyright: ignore[reportPrivateUsage]
        plot._report_drop(late)  # pyright: ignore[reportPrivateUsage]


class Panel:
    """One chart of a plot, stacked below the panels made before it, with its own y axis, title and labels, as one
    matplotlib subplot. Made by ``Plot.panel``; make its series here."""

    __slots__ = ("_plot", "_id", "title")

    def __init__(self, plot: Plot, panel_id: int, title: str | None):
        self._plot = plot
        self._id = panel_id
        self.title = title

    def line(self, name: str | None = None, fmt: str = "-", *, label: str | None = None, color: str | None = None,
             linestyle: str | None = None, marker: str | None = None) -> Series:
        """Adds a line series to this panel: points joined in order of x, which must not decrease (as ``Plot.line``)."""
        return self._plot._add_series(LINE, name, fmt, self._id, label, color, linestyle, marker)  # pyright: ignore[reportPrivateUsage]

    def scatter(self, name: str | None = None, fmt: str = "o", *, label: str | None = None, color: str | None = None,
                linestyle: str | None = None, marker: str | None = None) -> Series:
        """Adds a scatter series to this panel: markers at each point, in any order (as ``Plot.scatter``)."""
        return self._plot._add_series(SCATTER, name, fmt, self._id, label, color, linestyle, marker)  # pyright: ignore[reportPrivateUsage]

    def dataframe(self, df: Any, x: str | None = None, kind: Kind = "line") -> dict[str, Series]:
        """Adds every numeric column of a pandas DataFrame to this panel (as ``Plot.dataframe``)."""
        return self._plot.dataframe(df, x=x, panel=self, kind=kind)

    def __repr__(self) -> str:
        return f"Panel({self.title!r})"


class Plot:
    """A live plot fed to a PlotPipe viewer. Make series, add points, then ``finish()``; or use it in a ``with`` block.
    In a notebook it shows as the live page."""

    def __init__(self, sink: Sink, *, buffer_points: int = 1 << 18, when_full: str = "drop", preamble: bytes,
                 viewer: ViewerProcess | None = None, link: TcpLink | None = None, finish_timeout: float = 10.0,
                 title: str | None = None, max_buffer_bytes: int | None = None):
        """Writes frames into ``sink``; ``preamble`` is the handshake and Hello, ``title`` the plot's. Use ``spawn``,
        ``connect`` or ``to_stream`` rather than this."""
        check_options(buffer_points, when_full, max_buffer_bytes)
        # A plot without a title sends no DefinePlot: on a listening viewer it would reset another producer's title.
        plot_properties = panel_properties(title, None, None, "linear", "linear", True, "plot")
        self._sink = sink
        self._viewer = viewer
        self._link = link
        self._title = title
        # Batches are made as points come and freed once written, so the buffer holds only what waits, up to this.
        if max_buffer_bytes is None:
            # Under "block" add waits rather than drops: growing would only let the page fall further behind.
            max_buffer_bytes = 16 * buffer_points if when_full == "block" else max(DEFAULT_MAX_BUFFER_BYTES, 16 * buffer_points)
        self._max_buffer_bytes = max_buffer_bytes
        self._bound_points = max_buffer_bytes // 16
        self._block = when_full == "block"
        self._finish_timeout = finish_timeout
        self._preamble = preamble + (encode_define_plot(plot_properties) if plot_properties else b"")
        # One lock for every buffer: _work wakes the writer, _space wakes adds waiting for room (when_full="block").
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._space = threading.Condition(self._lock)
        self._series: list[Series] = []
        self._names: dict[str, Series] = {}
        # Panels 1..63 as DefinePanel frames; the writer sends each once, before any series of it. Series are
        # defined in order, with their first points (so a first time marks them as timed), or at the end.
        self._panels: list[bytes] = []
        self._panel_titles: dict[str, Panel] = {}
        self._panels_sent = 0
        # Markers as Event frames, waiting for the writer; those that could not be sent are counted.
        self._events: list[bytes] = []
        self._events_dropped = 0
        self._defined = 0
        self._room = self._bound_points
        self._sealed = 0
        self._unsent_since: float | None = None
        self._room_wanted = False
        self._changed = False  # a new series or a new drop for the writer to send
        self._link_changed = False  # the connection went down: the writer looks at once
        self._closed = False   # finished or lost: adds are counted, not sent
        self._ending: str | None = None  # "finish" or "close", once asked for
        self._lost = False
        self._lost_reason: str | None = None
        # Points went out on a connection that then dropped: some may never have been read.
        self._uncertain = False
        self._points_on_connection = 0
        self._undelivered_reason: str | None = None
        self._warned_full = self._warned_late = self._warned_drop = False
        # Whether the run of connections that reached no viewer going on now was logged.
        self._unanswered_logged = False
        self._done = threading.Event()
        if link is not None:
            link.wake = self._wake_for_link
        self._writer = threading.Thread(target=self._run, name="plotpipe writer", daemon=True)
        self._writer.start()

    # -- the user's side ---------------------------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The viewer page's address with its access token; None for a plot that writes to a stream or connects."""
        return self._viewer.url if self._viewer is not None else None

    @property
    def viewer_connected(self) -> bool:
        """False once the viewer has gone away (closed, crashed, or refused the stream), and over TCP while the
        connection is down (it is made again); points added meanwhile follow ``when_full``."""
        if self._lost:
            return False
        # A spawned viewer's loss is the writer's to find (its next write fails), as the .NET producer's is: one
        # moment at which every point buffered before it is counted, and none after it is sent.
        return self._link is None or not self._link.down

    @property
    def viewer_lost_reason(self) -> str | None:
        """Why the viewer went away, in its own words where it gave them (they may take a moment to arrive after
        ``viewer_connected`` turns False); None while it is connected."""
        return self._lost_reason

    @property
    def dropped(self) -> int:
        """Points not delivered over all series: dropped because the buffer was full, or added after finish or after
        the viewer was lost, or lost with a connection that dropped."""
        with self._lock:
            return sum(s._dropped + s._late for s in self._series)  # pyright: ignore[reportPrivateUsage]

    @property
    def dropped_events(self) -> int:
        """Markers (``mark``, ``span``) not delivered: made after finish or after the viewer was lost, lost with a
        connection that dropped, or more than 65,536 waiting at once."""
        with self._lock:
            return self._events_dropped

    def mark(self, x: float | Any, text: str) -> None:
        """Marks a moment with ``text``: a vertical line at ``x`` on every panel whose x is of its kind, e.g.
        ``plot.mark(step, "learning rate dropped")``; a time (datetime, numpy datetime64, pandas Timestamp) goes on
        the time panels, as Unix seconds. Returns at once; never raises for the viewer's sake (a marker that cannot
        be sent is counted in ``dropped_events``). ValueError naming empty or overlong text or an x that is not finite."""
        seconds, is_time = _event_x(x, "marker x")
        self._add_event(MARK, seconds, 0.0, is_time, text)

    def span(self, x0: float | Any, x1: float | Any, text: str) -> None:
        """Shades the range of x from ``x0`` to ``x1`` with ``text``, e.g. ``plot.span(start, end, "evaluation")``; two
        times shade a stretch of the time panels. As ``mark``, with ValueError also when ``x1`` is before ``x0``, and
        TypeError when one is a time and the other a number."""
        start, start_time = _event_x(x0, "span start x0")
        end, end_time = _event_x(x1, "span end x1")
        if start_time != end_time:
            raise TypeError(f"span({x0!r}, {x1!r}): both ends must be times or both numbers")
        if end < start:
            raise ValueError(f"span ends at {x1!r}, before it starts at {x0!r}")
        self._add_event(SPAN, start, end, start_time, text)

    @property
    def series(self) -> list[Series]:
        """The series in order of definition."""
        with self._lock:
            return list(self._series)

    def scatter(self, name: str | None = None, fmt: str = "o", *, label: str | None = None, color: str | None = None,
                linestyle: str | None = None, marker: str | None = None) -> Series:
        """Adds a scatter series: markers at each point, in any order. ``fmt`` as in matplotlib, e.g. "ro"; or
        matplotlib's keywords: ``label`` (the name), ``color`` ("r" or "red"), ``marker`` ("o"), ``linestyle``
        ("--" or "dashed"), which win over ``fmt``. ValueError naming a bad value or a name already in the plot."""
        return self._add_series(SCATTER, name, fmt, 0, label, color, linestyle, marker)

    def line(self, name: str | None = None, fmt: str = "-", *, label: str | None = None, color: str | None = None,
             linestyle: str | None = None, marker: str | None = None) -> Series:
        """Adds a line series: points joined in order of x, which must not decrease. ``fmt`` and the keywords as for
        ``scatter``, e.g. ``plot.line("loss", "b-")`` or ``plot.line(label="loss", color="blue")``."""
        return self._add_series(LINE, name, fmt, 0, label, color, linestyle, marker)

    def panel(self, title: str | None = None, *, xlabel: str | None = None, ylabel: str | None = None,
              xscale: str = "linear", yscale: str = "linear", linkx: bool = True) -> Panel:
        """Adds a panel below the ones made before it, with its own y axis, as matplotlib's subplots: ``title`` above
        it, axis labels, scales "linear" or "log", and ``linkx`` False to zoom its x on its own. At most 63 panels
        besides the default one, where ``plot.line`` and ``plot.scatter`` put series. Raises ValueError naming a bad value."""
        what = f"panel {title!r}"
        properties = panel_properties(title, xlabel, ylabel, xscale, yscale, linkx, what)
        with self._lock:
            if self._ending is not None:
                raise RuntimeError(f"cannot add {what}: the plot is finished")
            if len(self._panels) >= MAX_PANELS - 1:
                raise ValueError(f"a plot holds at most {MAX_PANELS - 1} panels besides the default one; {what} would be one more")
            panel_id = len(self._panels) + 1
            self._panels.append(encode_define_panel(panel_id, properties))
            self._dropped_changed()
            made = Panel(self, panel_id, title or None)
            if title:
                self._panel_titles.setdefault(title, made)
            return made

    def dataframe(self, df: Any, x: str | None = None, *, panel: Panel | str | None = None,
                  kind: Kind = "line") -> dict[str, Series]:
        """Adds every numeric column of a pandas DataFrame as a series named after its column, against the frame's
        index (a ``DatetimeIndex`` puts time on x) or the column named ``x``. ``panel``: a Panel, a title (the panel
        of that title, made on first use), or None for the default panel. Called again with more rows of the same
        columns, it adds them to the same series. Returns the series by column name."""
        columns = getattr(df, "columns", None)
        if columns is None or not hasattr(df, "select_dtypes"):
            raise TypeError(f"dataframe takes a pandas DataFrame, not {type(df).__name__}")
        if kind not in ("line", "scatter"):
            raise ValueError(f"kind {kind!r} is not a series kind: use \"line\" or \"scatter\"")
        if x is not None and x not in columns:
            raise ValueError(f"x {x!r} is not a column of the frame; its columns are {', '.join(map(str, columns))}")
        if panel is None:
            panel_id = 0
        elif isinstance(panel, Panel):
            panel_id = panel._id  # pyright: ignore[reportPrivateUsage]
        else:
            with self._lock:
                found = self._panel_titles.get(panel)
            panel_id = (found or self.panel(panel))._id  # pyright: ignore[reportPrivateUsage]
        xs: Any = df[x] if x is not None else df.index
        numeric: Any = df.select_dtypes(include="number")
        made: dict[str, Series] = {}
        for column in numeric.columns:
            if x is not None and column == x:
                continue
            name = str(column)
            with self._lock:
                existing = self._names.get(name)
            if existing is not None and existing._panel == panel_id:  # pyright: ignore[reportPrivateUsage]
                series = existing
            else:
                series = self._add_series(LINE if kind == "line" else SCATTER, name, "-" if kind == "line" else "o", panel_id)
            series.add_many(xs, numeric[column])
            made[name] = series
        return made

    def finish(self, timeout: float | None = None) -> bool:
        """Ends the stream, like the matplotlib example's None: every point added before this call is sent, then the
        Finish frame, and the viewer keeps the picture up. Waits up to ``timeout`` seconds (default: the plot's
        finish timeout, 10 s; 0 returns at once) for everything to reach the viewer (over TCP, until the viewer has
        closed the connection after reading the Finish) and for a spawned viewer to save the picture asked for
        (``save_png``). True only when every point added was delivered and the picture saved: False when points were
        dropped, added too late, lost with the viewer or a dropped connection, or the time ran out."""
        return self._end("finish", timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Sends what is buffered and closes the stream without finishing it: the viewer keeps every point and shows
        the stream as disconnected. For a producer that stops early (the ``with`` block does this on an exception).
        Waits and returns as ``finish`` does."""
        return self._end("close", timeout)

    def close_viewer(self) -> None:
        """Stops the spawned viewer now, page and all."""
        if self._viewer is not None:
            self._viewer.kill()

    def wait_for_viewer_exit(self, timeout: float | None = None) -> int | None:
        """Waits for the spawned viewer to exit and returns its exit code (None if it is still running after ``timeout``):
        ``plotpipe.ALERT_EXIT_CODE`` (3) when it stopped on an alert (``spawn(exit_on_alert=True)``)."""
        return self._viewer.wait(timeout) if self._viewer is not None else 0

    def show(self) -> bool:
        """Opens the live page in the default web browser; False when there is no page (a stream or a connection)
        or no browser to open."""
        url = self.url
        return url is not None and webbrowser.open(url)

    def _repr_html_(self) -> str:
        """In Jupyter, the plot shows as its live page: an iframe of the page's tokened address."""
        url = self.url
        if url is None:
            return f"<pre>{html.escape(repr(self))}</pre>"
        title = html.escape(f"PlotPipe: {self._title or 'live plot'}", quote=True)
        return (f'<iframe src="{html.escape(url, quote=True)}" title="{title}" width="100%" '
                f'height="{_NOTEBOOK_HEIGHT_PX}" style="border: 1px solid #ddd; border-radius: 4px" '
                f'loading="eager"></iframe>')

    def __enter__(self) -> Plot:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self._end("finish" if exc_type is None else "close", None)

    def __repr__(self) -> str:
        return f"<plotpipe.Plot {self.url or 'stream'} series={len(self._series)}>"

    def _add_series(self, kind: int, name: str | None, fmt: str, panel: int = 0, label: str | None = None,
                    color: str | None = None, linestyle: str | None = None, marker: str | None = None) -> Series:
        if label is not None:
            if name is not None and name != label:
                raise ValueError(f"series name {name!r} and label {label!r} differ; give one of them")
            name = label
        if name is None:
            raise TypeError("a series needs a name: plot.line(\"loss\") or plot.line(label=\"loss\")")
        check_series_name(name)
        fmt = styled_format(fmt, color, linestyle, marker)
        with self._lock:
            if self._ending is not None:
                raise RuntimeError(f"cannot add series {name!r}: the plot is finished")
            if name in self._names:
                raise ValueError(f"series name {name!r} is already in this plot; give each series its own name")
            if len(self._series) >= MAX_SERIES:
                raise ValueError(f"a plot holds at most {MAX_SERIES} series; {name!r} would be one more")
            series = Series(self, len(self._series), kind, name, fmt, panel)
            self._series.append(series)
            self._names[name] = series
            return series

    def _add_event(self, kind: int, x: float, x2: float, is_time: bool, text: str) -> None:
        check_event_text(text)
        frame = encode_event(kind, x, x2, is_time, text)
        with self._lock:
            # As with points: after finish or a lost viewer a marker is counted, never raised into the loop.
            if self._closed or len(self._events) >= MAX_PENDING_EVENTS:
                self._events_dropped += 1
                return
            self._events.append(frame)
            self._changed = True
            self._work.notify()

    def _end(self, how: str, timeout: float | None) -> bool:
        check_seconds(timeout, "timeout")
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
            if self._link is not None:
                self._link.stop()
            if timeout > 0:
                _log.warning("PlotPipe: the viewer did not take the last points within %g s; giving up on them", timeout)
            return False
        if self._lost or self._uncertain:
            return False
        with self._lock:
            if any(s._dropped or s._late for s in self._series) or self._events_dropped:  # pyright: ignore[reportPrivateUsage]
                return False
        if self._viewer is None:
            return True
        if self._viewer.reason(0) is not None:
            return False  # it said it stopped taking the stream, even if the pipe took every byte
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

    def _wake_for_link(self) -> None:
        with self._lock:
            self._link_changed = True
            self._work.notify()

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
        in_flight: list[bytes | tuple[Series, array.array[float], array.array[float]]] = []
        try:
            try:
                self._sink.write(self._preamble)
            except OSError:
                if self._link is None:
                    raise
                # Down already: the loop reconnects, and a new connection gets the preamble again.
            while True:
                link = self._link
                if link is not None and link.down:
                    if not self._reconnect(link):
                        break
                    continue
                with self._lock:
                    self._wait_for_work()
                    self._link_changed = False
                    if link is not None and link.down:
                        continue
                    ending = self._ending
                    # Markers take the points made before them along, so those reach the viewer first.
                    take_partial = (ending is not None or self._room_wanted or bool(self._events)
                                    or (self._unsent_since is not None and time.monotonic() >= self._unsent_since + _FLUSH_SECONDS))
                    self._room_wanted = False
                    in_flight = self._take(take_partial)
                try:
                    self._send(in_flight)
                    in_flight = []
                    if ending == "finish":
                        self._sink.write(encode_finish())
                except OSError:
                    if link is None:
                        raise
                    # The connection dropped while sending: what it had not taken is lost; the rest waits for the next.
                    self._count_lost(in_flight)
                    in_flight = []
                    continue
                if ending is not None:
                    if link is not None:
                        self._wait_for_viewer_close(link, ending)
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

    def _wait_for_viewer_close(self, link: TcpLink, ending: str) -> None:
        # The viewer closes the connection once it has read the Finish frame: then every point before it was read.
        if ending != "finish":
            return
        link.wait_closed(24 * 3600)  # the finish timeout stops the link, which ends this wait
        said = link.said()
        if said is not None or not link.wait_closed(0):
            self._lose(ConnectionError(said or "the connection closed before the viewer read the Finish frame"), [])

    def _reconnect(self, link: TcpLink) -> bool:
        refusal = link.refusal(_REASON_WAIT)
        if refusal is not None:
            # A refusal ends the plot: a wrong token will not become right.
            self._lose(ConnectionRefusedError(refusal), [])
            return False
        if self._points_on_connection:
            self._uncertain = True
        link.drop()
        carried = link.carried_stream()
        if carried:
            self._unanswered_logged = False
            if not self._warned_drop:
                self._warned_drop = True
                _log.warning("PlotPipe: the connection to the viewer at %s dropped; reconnecting, points meanwhile follow "
                             "when_full", link.address)
        else:
            # Said once a run: the backoff makes such a run slow, but it lasts as long as the far side is down.
            _log.log(logging.DEBUG if self._unanswered_logged else logging.WARNING,
                     "PlotPipe: the connection to %s ended %d ms after it was made, before a viewer took the stream (as "
                     "through a tunnel whose far end is down); connecting again with backoff, points meanwhile follow "
                     "when_full", link.address, round(link.lifetime() * 1000))
            self._unanswered_logged = True
        try:
            link.connect(None)
        except OSError as e:
            self._lose(e, [])
            return False
        # After connections that reached no viewer, this one is said to be the viewer once the viewer says so.
        _log.log(logging.INFO if carried else logging.DEBUG, "PlotPipe: reconnected to the viewer at %s", link.address)
        with self._lock:
            # A new connection is a new producer: definitions again, in order, and the drops not yet reported there.
            known = self._defined
            self._defined = 0
            self._panels_sent = 0
            self._points_on_connection = 0
            for s in self._series:
                s._dropped_base = s._dropped_sent  # pyright: ignore[reportPrivateUsage]
            again = bytearray(self._preamble)
            again += b"".join(self._panels)
            self._panels_sent = len(self._panels)
            for s in self._series[:known]:
                again += self._definition(s)
            self._defined = known
        try:
            link.write(again)
        except OSError:
            pass  # down again: the next turn of the loop reconnects
        return True

    # Under the lock: sleeps until something is due.
    def _wait_for_work(self) -> None:
        while (self._ending is None and not self._sealed and not self._room_wanted and not self._changed
               and not self._link_changed):
            since = self._unsent_since
            if since is None:
                self._work.wait()
                continue
            left = since + _FLUSH_SECONDS - time.monotonic()
            if left <= 0:
                return
            self._work.wait(left)

    @staticmethod
    def _definition(s: Series) -> bytes:
        return encode_define_series(s._id, s._kind, s._name, s._fmt, s._panel, TIME_X if s._time else 0)  # pyright: ignore[reportPrivateUsage]

    # Under the lock: what is due, in order, as bytes (DefineSeries, Dropped) and (series, xs, ys) batches.
    def _take(self, take_partial: bool) -> list[bytes | tuple[Series, array.array[float], array.array[float]]]:
        out: list[bytes | tuple[Series, array.array[float], array.array[float]]] = list(self._panels[self._panels_sent:])
        self._panels_sent = len(self._panels)
        partial_left = False
        ending = self._ending is not None
        for i, s in enumerate(self._series):
            if i >= self._defined and (ending or s._full or (take_partial and s._xs) or s._dropped != s._dropped_sent):  # pyright: ignore[reportPrivateUsage]
                # Earlier series first, whether or not they have points yet: the legend keeps the order they were made in.
                for d in self._series[self._defined:i + 1]:
                    out.append(self._definition(d))
                self._defined = i + 1
            full = s._full  # pyright: ignore[reportPrivateUsage]
            while full:
                xs, ys = full.popleft()
                out.append((s, xs, ys))
            if s._xs:  # pyright: ignore[reportPrivateUsage]
                if take_partial:
                    out.append((s, s._xs, s._ys))  # pyright: ignore[reportPrivateUsage]
                    s._xs = array.array("d")  # pyright: ignore[reportPrivateUsage]
                    s._ys = array.array("d")  # pyright: ignore[reportPrivateUsage]
                else:
                    partial_left = True
            if s._dropped != s._dropped_sent:  # pyright: ignore[reportPrivateUsage]
                s._dropped_sent = s._dropped  # pyright: ignore[reportPrivateUsage]
                out.append(encode_dropped(s._id, s._dropped - s._dropped_base))  # pyright: ignore[reportPrivateUsage]
        # After the points taken in this turn (all of them, partial batches too, when a marker waits): points arrive
        # before the markers made after them.
        out += self._events
        self._events = []
        self._sealed = 0
        self._changed = False
        if not partial_left:
            self._unsent_since = None
        return out

    # Outside the lock: encodes into blocks of about _WRITE_BYTES and gives each block's room back once written.
    # On a failed write, ``items`` keeps what did not go out, for the loss to count.
    def _send(self, items: list[bytes | tuple[Series, array.array[float], array.array[float]]]) -> None:
        gather: Callable[[list[bytes | array.array[float]]], None] | None = getattr(self._sink, "write_pieces", None)
        if gather is not None and LITTLE_ENDIAN:
            self._send_gathered(items, gather)
            return
        block = bytearray()
        points = written = 0
        write = self._sink.write
        try:
            for i, item in enumerate(items):
                if isinstance(item, bytes):
                    block += item
                else:
                    s, xs, ys = item
                    block += encode_points_header(s._id, len(xs))  # pyright: ignore[reportPrivateUsage]
                    append_column(block, xs)
                    append_column(block, ys)
                    points += len(xs)
                if len(block) >= _WRITE_BYTES:
                    write(block)
                    written = i + 1
                    self._give_back(points)
                    block = bytearray()
                    points = 0
            if block:
                write(block)
        except BaseException:
            del items[:written]
            raise
        items.clear()
        self._give_back(points)

    # As _send, with the columns handed to the system as they are: one copy fewer for every point.
    def _send_gathered(self, items: list[bytes | tuple[Series, array.array[float], array.array[float]]],
                       gather: Callable[[list[bytes | array.array[float]]], None]) -> None:
        pieces: list[bytes | array.array[float]] = []
        size = points = written = 0
        try:
            for i, item in enumerate(items):
                if isinstance(item, bytes):
                    pieces.append(item)
                    size += len(item)
                else:
                    s, xs, ys = item
                    pieces += (encode_points_header(s._id, len(xs)), xs, ys)  # pyright: ignore[reportPrivateUsage]
                    size += 16 + 16 * len(xs)
                    points += len(xs)
                if size >= _WRITE_BYTES:
                    gather(pieces)
                    written = i + 1
                    self._give_back(points)
                    pieces = []
                    size = points = 0
            if pieces:
                gather(pieces)
        except BaseException:
            del items[:written]
            raise
        items.clear()
        self._give_back(points)

    def _give_back(self, points: int) -> None:
        if points:
            with self._lock:
                self._room += points
                self._points_on_connection += points
                self._space.notify_all()

    def _count_lost(self, items: list[bytes | tuple[Series, array.array[float], array.array[float]]]) -> None:
        with self._lock:
            for item in items:
                if not isinstance(item, bytes):
                    item[0]._late += len(item[1])  # pyright: ignore[reportPrivateUsage]
                    self._room += len(item[1])
                elif _is_event(item):
                    self._events_dropped += 1
            self._space.notify_all()

    def _lose(self, error: Exception, in_flight: list[bytes | tuple[Series, array.array[float], array.array[float]]]) -> None:
        with self._lock:
            self._closed = True
            self._lost = True
            # Nothing more reaches the viewer: everything buffered, or in the block that failed, is counted as dropped.
            for item in in_flight:
                if not isinstance(item, bytes):
                    item[0]._late += len(item[1])  # pyright: ignore[reportPrivateUsage]
                elif _is_event(item):
                    self._events_dropped += 1
            self._events_dropped += len(self._events)
            self._events = []
            for s in self._series:
                s._late += len(s._xs) + sum(len(xs) for xs, _ in s._full)  # pyright: ignore[reportPrivateUsage]
                s._xs = array.array("d")  # pyright: ignore[reportPrivateUsage]
                s._ys = array.array("d")  # pyright: ignore[reportPrivateUsage]
                s._full.clear()  # pyright: ignore[reportPrivateUsage]
            self._room = self._bound_points
            self._space.notify_all()
        if self._link is not None:
            self._link.stop()
        source: _Reasoned | None = self._viewer if self._viewer is not None else self._link
        reason = source.reason(_REASON_WAIT) if source is not None else None
        self._lost_reason = reason or str(error) or type(error).__name__
        if self._lost_reason.startswith(REFUSAL_PREFIX):
            # The viewer's answer to this producer (a wrong or missing token), not the viewer going away.
            why = self._lost_reason[len(REFUSAL_PREFIX):]
            # A token refused is the user's to fix: say where the right one is.
            fix = "; connect(..., token=...) takes the token of the viewer's page address (?token=...)" if "token" in why else ""
            _log.warning("PlotPipe: the viewer refused this producer (%s); points added from now on are counted as dropped%s", why, fix)
        else:
            _log.warning("PlotPipe: the viewer went away (%s); points added from now on are counted as dropped", self._lost_reason)


def _is_event(frame: bytes) -> bool:
    """Whether an encoded frame waiting to be written is a marker (its header's type byte)."""
    return len(frame) > 4 and frame[4] == EVENT


def _event_x(x: object, what: str) -> tuple[float, bool]:
    """A marker's x as (Unix seconds or the number, is time); TypeError for neither, ValueError for NaN or infinity."""
    seconds = time_value(x)
    if seconds is not None:
        return seconds, True
    value = number(x)
    if value is None:
        raise TypeError(f"{what} {x!r} must be a real number or a time")
    if not math.isfinite(value):
        raise ValueError(f"{what} {x!r} is not a finite number")
    return value, False
