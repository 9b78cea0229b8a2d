"""PlotPipe for Python: live plots drawn by a separate viewer process.

Your loop calls a cheap ``add``; a background thread sends the points, in batches, to a PlotPipe viewer that
keeps them and draws them live in a browser tab::

    import plotpipe

    with plotpipe.spawn() as plot:            # runs `plotpipe view --stdin`, or $PLOTPIPE_VIEWER
        print(plot.url)                       # the page's address, with its access token
        dots = plot.scatter("samples", "ro")  # matplotlib format strings: colour, marker, line style
        loss = plot.line(label="loss", color="blue", linestyle="--")   # or matplotlib's keywords
        for step in range(100_000):
            loss.add(step, 1 / (1 + step))    # never waits on the viewer (when_full="drop")
        dots.add_many(xs, ys)                 # whole columns: sequences, array('d'), numpy arrays, pandas Series

``plotpipe.connect("tcp://host:port")`` feeds a viewer that listens for producers (`plotpipe view --listen`)
instead of starting one, with the token from $PLOTPIPE_TOKEN (or ``token=``); it waits for the viewer and makes a
dropped connection again.

Panels, labels and time, as matplotlib's subplots::

    with plotpipe.spawn(title="Training") as plot:
        loss = plot.panel("Loss", ylabel="cross-entropy", yscale="log").line("train", "b-")
        acc = plot.panel("Accuracy", ylabel="accuracy", xlabel="step").line("val", "g--")
        temp = plot.line("temperature", "r-")         # the default panel
        temp.add(datetime.now(timezone.utc), 21.5)     # time on x: datetime, numpy datetime64, pandas Timestamp
        plot.dataframe(df, panel="Sensors")            # every numeric column of a pandas frame, against its index
        plot.mark(step, "learning rate dropped")       # a vertical marker on every panel whose x is of that kind
        plot.span(eval_start, eval_end, "evaluation")  # a shaded range of x (two datetimes: on the time panels)

In Jupyter a plot shows as its live page; ``plot.show()`` opens it in a browser.

Standard library only; numpy and pandas are read when given, never required. The wire format is docs/protocol.md,
version 2; the .NET producer (LivePlot, Panel, Series) has the same shape.
"""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Sequence
from typing import IO

from ._columns import unix_seconds
from ._plot import Kind, Panel, Plot, Series
from ._transport import PipeSink, StreamSink, TcpLink, ViewerProcess, viewer_command
from ._wire import (DEFINE_PANEL, DEFINE_PLOT, DEFINE_SERIES, DROPPED, EVENT, FINISH, HELLO, LINE, MAGIC, MARK,
                    MAX_EVENT_TEXT_BYTES, MAX_FORMAT_BYTES, MAX_NAME_BYTES, SPAN, MAX_PANELS, MAX_POINTS_PER_FRAME, MAX_PRODUCER_NAME_BYTES,
                    MAX_PROPERTY_VALUE_BYTES, MAX_SERIES, MAX_TOKEN_BYTES, POINTS, SCATTER, TIME_X, VERSION,
                    check_format, check_options, check_seconds, check_token, checked_producer_name, encode_define_panel,
                    encode_define_plot, encode_define_series, encode_dropped, encode_event, encode_finish, encode_handshake,
                    encode_hello, encode_points, encode_points_header, panel_properties, parse_address)

__version__ = "0.2.0"

__all__ = [
    "__version__",
    "spawn",
    "connect",
    "to_stream",
    "Plot",
    "Series",
    "Panel",
    "Kind",
    "check_format",
    "encode_handshake",
    "encode_define_series",
    "encode_points",
    "encode_points_header",
    "encode_dropped",
    "encode_finish",
    "encode_hello",
    "encode_define_plot",
    "encode_define_panel",
    "encode_event",
    "unix_seconds",
    "ALERT_EXIT_CODE",
    "VERSION", "MAGIC", "DEFINE_SERIES", "POINTS", "DROPPED", "FINISH", "HELLO", "DEFINE_PLOT", "DEFINE_PANEL",
    "TIME_X", "SCATTER", "LINE", "MAX_SERIES", "MAX_NAME_BYTES", "MAX_FORMAT_BYTES", "MAX_POINTS_PER_FRAME",
    "MAX_PRODUCER_NAME_BYTES", "MAX_TOKEN_BYTES", "MAX_PANELS", "MAX_PROPERTY_VALUE_BYTES",
    "EVENT", "MARK", "SPAN", "MAX_EVENT_TEXT_BYTES",
]

_START_TIMEOUT = 30.0

ALERT_EXIT_CODE = 3
"""The spawned viewer's exit code when it stopped on an alert (``spawn(exit_on_alert=True)``), as
``plotpipe view --exit-on-alert`` exits; ``Plot.wait_for_viewer_exit`` returns it."""


def _preamble(name: str, token: str) -> bytes:
    # Looked up here at each call, so a test may give the module another handshake.
    return encode_handshake(2) + encode_hello(name, token)


def spawn(*, open_browser: bool = True, save_png: str | os.PathLike[str] | None = None, exit_on_finish: bool = False,
          linger: float | None = None, port: int = 0, max_points: int = 0, buffer_points: int = 1 << 18,
          when_full: str = "drop", finish_timeout: float = 10.0, viewer: str | list[str] | None = None,
          title: str | None = None, name: str | None = None, max_buffer_bytes: int | None = None,
          alerts: Sequence[str] = (), derive: Sequence[str] = (), exit_on_alert: bool = False,
          picture_theme: str = "light") -> Plot:
    """Starts a viewer (`plotpipe view --stdin` from PATH, or the command in $PLOTPIPE_VIEWER, or ``viewer``), waits
    until it serves its page, and returns the plot that feeds it.

    open_browser: open the page in the default browser (skipped where there is no display).
    save_png: a path; the viewer saves the final picture there when the stream ends, and finish() returns once it has.
    picture_theme: the colours of that picture, "light" (white, for documents and prints) or "dark" (the dark page's).
    exit_on_finish: the viewer exits right after the stream ends instead of staying up for the page (code 0,
        or 1 when no point came or a picture could not be saved).
    linger: once the producer is gone, the viewer exits after this many seconds with no page open (its default: 60).
    port: the page's port; 0 picks a free one. max_points: cap on points kept per series (0 keeps all).
    max_buffer_bytes: most bytes the buffer (shared by every series, 16 bytes a point) grows to while the viewer is
    behind, as the .NET producer's buffer grows under Drop; only beyond it does when_full apply. None: 256 MiB, or a
    quarter of the machine's memory if less (with when_full="block", 16 bytes times buffer_points: add waits instead
    of the buffer growing).
    buffer_points: what the .NET producer keeps ready before it grows; here batches are made as points come and freed
    once sent, so it is only the least max_buffer_bytes may be (16 bytes a point).
    when_full: "drop" (add never waits; drops are counted and shown) or "block" (add waits; nothing is lost).
    finish_timeout: how long finish() and the with block wait for buffered points to reach the viewer and for the
    picture asked for to be saved.
    title: the plot's title (the viewer shows "PlotPipe" without one). name: the producer's name, as for ``connect``.
    alerts: rules the viewer checks on every point it receives, as ``plotpipe view --alert`` takes them
    (``"loss > 10"``, ``"loss is nan"``, ``"loss > 10 for 5 points"``): a firing is a marker of kind ``alert`` in
    /api/events and a line on standard error. A rule the viewer cannot read stops it at start (RuntimeError naming it).
    derive: series the viewer computes from this producer's series as points arrive, each ``"NAME = EXPRESSION"``
    such as ``"loss_ema = ema(loss, 0.9)"`` (``--derive``).
    exit_on_alert: the viewer stops at the first firing, after saving the picture asked for, with exit code
    ``ALERT_EXIT_CODE`` (3), which ``wait_for_viewer_exit`` returns; needs at least one rule in ``alerts``.
    The grammar of both: docs/markers-alerts-derived.md.

    The viewer's standard error is passed on to ours line by line; when it stops taking the stream,
    ``viewer_lost_reason`` quotes its own line. Raises ValueError for a bad option, RuntimeError (quoting the viewer's
    own error output) if it cannot start."""
    check_options(buffer_points, when_full, max_buffer_bytes)
    check_seconds(finish_timeout, "finish_timeout")
    preamble = _preamble(checked_producer_name(name), "")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"port {port!r} is not a TCP port (0 to 65535)")
    check_seconds(linger, "linger")
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 0:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"max_points {max_points!r} must be an int, 0 or more")
    panel_properties(title, None, None, "linear", "linear", True, "plot")
    alerts = _rules(alerts, "alerts", "loss > 10")
    derive = _rules(derive, "derive", "loss_ema = ema(loss, 0.9)")
    if picture_theme not in ("light", "dark"):
        raise ValueError(f"picture_theme {picture_theme!r} is not a theme: give \"light\" or \"dark\"")
    if picture_theme != "light" and save_png is None:
        raise ValueError(f"picture_theme {picture_theme!r} is the theme of the picture save_png saves, and none is asked for "
                         "(the page follows the browser's theme)")
    if exit_on_alert and not alerts:
        raise ValueError("exit_on_alert needs a rule to watch: give one or more alerts, such as \"loss is nan\"")
    command = viewer_command(viewer) + ["--stdin", "--port", str(port)]
    if linger is not None:
        command += ["--linger", repr(float(linger))]
    if not open_browser:
        command.append("--no-browser")
    if exit_on_finish:
        command.append("--exit-on-finish")
    pictures: list[str] = []
    if save_png is not None:
        pictures.append(os.path.abspath(os.fspath(save_png)))
        command += ["--png", pictures[-1]]
        if picture_theme == "dark":
            command += ["--theme", "dark"]
    if max_points:
        command += ["--max-points", str(max_points)]
    for rule in derive:
        command += ["--derive", rule]
    for rule in alerts:
        command += ["--alert", rule]
    if exit_on_alert:
        command.append("--exit-on-alert")
    process = ViewerProcess(command, pictures)
    process.wait_for_url(_START_TIMEOUT)
    plot = Plot(PipeSink(process.stdin), buffer_points=buffer_points, when_full=when_full, viewer=process,
                finish_timeout=finish_timeout, preamble=preamble, title=title, max_buffer_bytes=max_buffer_bytes)
    _live.add(plot)
    return plot


def _rules(rules: Sequence[str], option: str, example: str) -> list[str]:
    # A lone string is a sequence of characters: each would become a rule the viewer refuses, so it is named here.
    if isinstance(rules, str) or not isinstance(rules, Sequence):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"{option} must be a list of rules such as [{example!r}], not {type(rules).__name__}")
    for rule in rules:
        if not isinstance(rule, str) or not rule.strip():  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"{option} holds {rule!r}, not a rule; a rule reads like {example!r}")
    return list(rules)


def connect(address: str, *, token: str | None = None, name: str | None = None, buffer_points: int = 1 << 18,
            when_full: str = "drop", finish_timeout: float = 10.0, timeout: float = 10.0, title: str | None = None,
            max_buffer_bytes: int | None = None) -> Plot:
    """Connects to a viewer listening for producers (`plotpipe view --listen`) at ``address`` (``tcp://host:port``)
    and returns the plot that feeds it, speaking version 2: a Hello with ``name`` (default: the program's name and
    process id, as in ``train[4242]``) and ``token`` (the viewer's; default $PLOTPIPE_TOKEN, as the viewer reads it).

    Like the .NET producer's Connect: nothing listening yet is retried with backoff (100 ms doubling to 5 s) until
    ``timeout`` seconds have passed, then OSError naming the address. A refusal (a wrong or missing token) is read off
    the socket as soon as the viewer sends it: ``viewer_connected`` turns False within moments and
    ``viewer_lost_reason`` quotes the viewer's line (``plotpipe: refused: wrong token``). A connection that drops later
    is made again the same way, the plot's title, panels and series defined again, while points added meanwhile
    follow ``when_full``. Raises ValueError for a malformed address, name or token."""
    host, port = parse_address(address)
    if token is None:
        token = os.environ.get("PLOTPIPE_TOKEN", "")
    check_token(token)
    name = checked_producer_name(name)
    check_options(buffer_points, when_full, max_buffer_bytes)
    check_seconds(finish_timeout, "finish_timeout")
    check_seconds(timeout, "timeout")
    # Checked before connecting, so a bad title leaves no half-open connection behind.
    panel_properties(title, None, None, "linear", "linear", True, "plot")
    link = TcpLink(host, port)
    link.connect(timeout)
    plot = Plot(link, buffer_points=buffer_points, when_full=when_full, finish_timeout=finish_timeout, link=link,
                preamble=_preamble(name, token), title=title, max_buffer_bytes=max_buffer_bytes)
    _live.add(plot)
    return plot


def to_stream(stream: IO[bytes], *, buffer_points: int = 1 << 18, when_full: str = "drop", finish_timeout: float = 10.0,
              title: str | None = None, name: str | None = None, max_buffer_bytes: int | None = None) -> Plot:
    """A plot that writes its frames into any binary stream (a file to replay into `plotpipe view --stdin` later, a
    pipe to a viewer started elsewhere). The stream is closed when the plot finishes."""
    if not hasattr(stream, "write"):
        raise TypeError(f"stream must have a write method; {type(stream).__name__} has none")
    check_seconds(finish_timeout, "finish_timeout")
    plot = Plot(StreamSink(stream), buffer_points=buffer_points, when_full=when_full, finish_timeout=finish_timeout,
                preamble=_preamble(checked_producer_name(name), ""), title=title, max_buffer_bytes=max_buffer_bytes)
    _live.add(plot)
    return plot


# A program that ends without finish() still delivers what it added: the stream shows as disconnected.
_live: weakref.WeakSet[Plot] = weakref.WeakSet()


@atexit.register
def _close_live_plots() -> None:
    for plot in list(_live):
        if plot._ending is None:  # pyright: ignore[reportPrivateUsage]
            plot.close()
