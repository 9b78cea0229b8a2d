"""The wire format (docs/protocol.md, version 2) and the checks of what goes into it: pure functions, one per frame
type, byte-exact as the document shows, and the argument checks that raise ValueError naming the bad value."""

from __future__ import annotations

import array
import numbers
import os
import struct
import sys
from collections.abc import Iterable

VERSION = 2
MAGIC = b"PLTP"
DEFINE_SERIES, POINTS, DROPPED, FINISH, HELLO, DEFINE_PLOT, DEFINE_PANEL, EVENT = 1, 2, 3, 4, 5, 6, 7, 8
TIME_X = 1  # DefineSeries and Event flag: x is time, Unix seconds
MARK, SPAN = 1, 2  # Event kinds: a moment, a range of x
SCATTER, LINE = 1, 2
MAX_SERIES = 1024
MAX_NAME_BYTES = 200
MAX_FORMAT_BYTES = 16
MAX_POINTS_PER_FRAME = 1 << 20
MAX_PRODUCER_NAME_BYTES = 200
MAX_TOKEN_BYTES = 256
MAX_PANELS = 64  # ids 0 (the default panel) to 63
MAX_PROPERTY_VALUE_BYTES = 1024
MAX_EVENT_TEXT_BYTES = 1024

SCALES = ("linear", "log")
TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# A listening viewer that refuses a producer says so in one line on the socket, then closes it.
REFUSAL_PREFIX = "plotpipe: refused: "
# A listening viewer that takes a producer says so first with an empty line, a single line feed.
ACCEPTANCE_LINE = b"\n"

HEADER = struct.Struct("<IBBH")
_DEFINE_PREFIX = struct.Struct("<BBHI")
POINTS_PREFIX = struct.Struct("<II")
_DROPPED_TOTAL = struct.Struct("<q")
_EVENT_PREFIX = struct.Struct("<BBH4xdd")
LITTLE_ENDIAN = sys.byteorder == "little"

COLOURS = "bgrcmykw"
MARKERS = "o.s^vx+*"
# Longest first, so "--" and "-." are never read as "-" followed by something else.
LINE_STYLES = ("--", "-.", "-", ":")
# matplotlib's names for what a format string spells with one character.
_COLOUR_NAMES = {"blue": "b", "green": "g", "red": "r", "cyan": "c", "magenta": "m", "yellow": "y", "black": "k",
                 "white": "w"}
_LINE_STYLE_NAMES = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-.", "none": "", "None": ""}
_MARKER_NAMES = {"none": "", "None": "", "": ""}

Properties = Iterable[tuple[str, str]]


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
        HEADER.pack(payload, DEFINE_SERIES, 0, series_id),
        _DEFINE_PREFIX.pack(kind, len(fmt_bytes), len(name_bytes), panel | flags << 16),
        name_bytes,
        fmt_bytes,
        bytes(payload - used),
    ))


def _encode_properties(kind: int, frame_id: int, properties: Properties) -> bytes:
    entries: list[bytes] = []
    for key, value in properties:
        key_bytes = key.encode("ascii")
        value_bytes = value.encode("utf-8")
        entries.append(struct.pack("<HH", len(key_bytes), len(value_bytes)) + key_bytes + value_bytes)
    used = 8 + sum(len(e) for e in entries)
    payload = (used + 7) & ~7
    return b"".join((HEADER.pack(payload, kind, 0, frame_id), struct.pack("<H6x", len(entries)), *entries,
                     bytes(payload - used)))


def encode_define_plot(properties: Properties) -> bytes:
    """A DefinePlot frame (version 2) from (key, value) pairs such as ("title", "Training")."""
    return _encode_properties(DEFINE_PLOT, 0, properties)


def encode_define_panel(panel_id: int, properties: Properties) -> bytes:
    """A DefinePanel frame (version 2) for panel 1 to 63 from (key, value) pairs such as ("yscale", "log")."""
    return _encode_properties(DEFINE_PANEL, panel_id, properties)


def encode_points_header(series_id: int, count: int) -> bytes:
    """The 16 bytes before a Points frame's columns: header, count, reserved zero."""
    return HEADER.pack(8 + 16 * count, POINTS, 0, series_id) + POINTS_PREFIX.pack(count, 0)


def encode_points(series_id: int, xs: array.array[float], ys: array.array[float]) -> bytes:
    """A Points frame: the x column, then the y column, as little-endian doubles (``array('d')`` columns)."""
    if len(xs) != len(ys):
        raise ValueError(f"xs has {len(xs)} values but ys has {len(ys)}; they must be equal")
    out = bytearray(encode_points_header(series_id, len(xs)))
    append_column(out, xs)
    append_column(out, ys)
    return bytes(out)


def encode_dropped(series_id: int, total: int) -> bytes:
    """A Dropped frame: the running total of points dropped for a series."""
    return HEADER.pack(8, DROPPED, 0, series_id) + _DROPPED_TOTAL.pack(total)


def encode_finish() -> bytes:
    """The Finish frame: the stream is complete."""
    return HEADER.pack(0, FINISH, 0, 0)


def encode_hello(name: str, token: str) -> bytes:
    """A Hello frame (version 2): the producer's name (UTF-8) and the viewer's token (ASCII), zero-padded."""
    name_bytes = name.encode("utf-8")
    token_bytes = token.encode("ascii")
    used = 8 + len(name_bytes) + len(token_bytes)
    payload = (used + 7) & ~7
    return b"".join((
        HEADER.pack(payload, HELLO, 0, 0),
        struct.pack("<HHI", len(name_bytes), len(token_bytes), 0),
        name_bytes,
        token_bytes,
        bytes(payload - used),
    ))


def encode_event(kind: int, x: float, x2: float, time_x: bool, text: str) -> bytes:
    """An Event frame (version 2): a MARK at ``x`` (``x2`` is ignored) or a SPAN from ``x`` to ``x2``, Unix seconds
    when ``time_x``; checks nothing but what the frame needs to be well formed (see ``check_event``)."""
    text_bytes = text.encode("utf-8")
    used = _EVENT_PREFIX.size + len(text_bytes)
    payload = (used + 7) & ~7
    return b"".join((
        HEADER.pack(payload, EVENT, 0, 0),
        # A mark's x2 is reserved: zero bytes.
        _EVENT_PREFIX.pack(kind, TIME_X if time_x else 0, len(text_bytes), x, x2 if kind == SPAN else 0.0),
        text_bytes,
        bytes(payload - used),
    ))


def check_event_text(text: str) -> None:
    """Raises ValueError (TypeError for a non-str) naming a marker's text the protocol cannot carry: 1 to 1024 UTF-8 bytes."""
    if not isinstance(text, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"marker text must be a str, not {type(text).__name__}")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:
        raise ValueError(f"marker text {text[:40]!r} is not valid text: {e.reason} at position {e.start}") from None
    if size == 0:
        raise ValueError(f"marker text is empty; a marker takes 1 to {MAX_EVENT_TEXT_BYTES} UTF-8 bytes of text")
    if size > MAX_EVENT_TEXT_BYTES:
        raise ValueError(f"marker text {text[:40]!r} is {size} UTF-8 bytes; a marker takes 1 to {MAX_EVENT_TEXT_BYTES}")


def append_column(out: bytearray, column: array.array[float]) -> None:
    """Appends a column of doubles to ``out`` little-endian, whatever this machine's byte order."""
    if LITTLE_ENDIAN:
        out += column
    else:
        swapped = array.array("d", column)
        swapped.byteswap()
        out += swapped


# ---------------------------------------------------------------------------------------------------------------
# Checking arguments the way the .NET producer does: ValueError naming the bad value.


def _format_parts(fmt: str) -> tuple[str, str, str]:
    """(colour, marker, line style) of a format string, each "" when absent; ValueError naming a bad part."""
    if not isinstance(fmt, str):  # pyright: ignore[reportUnnecessaryIsInstance]  (callers without type checks)
        raise TypeError(f"format string must be a str, not {type(fmt).__name__}")
    if len(fmt) > MAX_FORMAT_BYTES:
        raise ValueError(f"format string {fmt!r} is longer than {MAX_FORMAT_BYTES} characters")
    colour = marker = line = ""
    i = 0
    while i < len(fmt):
        style = next((s for s in LINE_STYLES if fmt.startswith(s, i)), None)
        if style is not None:
            if line:
                raise ValueError(f"format string {fmt!r} has two line styles ({line!r} and {style!r})")
            line = style
            i += len(style)
            continue
        ch = fmt[i]
        if ch in COLOURS:
            if colour:
                raise ValueError(f"format string {fmt!r} has two colours ({colour!r} and {ch!r})")
            colour = ch
        elif ch in MARKERS:
            if marker:
                raise ValueError(f"format string {fmt!r} has two markers ({marker!r} and {ch!r})")
            marker = ch
        else:
            raise ValueError(
                f"format string {fmt!r} has unknown character {ch!r} at position {i}; "
                "use a colour (bgrcmykw), a marker (o.s^vx+*) or a line style (- -- : -.)")
        i += 1
    return colour, marker, line


def check_format(fmt: str) -> None:
    """Raises ValueError naming the bad part of a matplotlib format string such as "ro" or "b--"."""
    _format_parts(fmt)


def styled_format(fmt: str, color: str | None, linestyle: str | None, marker: str | None) -> str:
    """``fmt`` with matplotlib's ``color=``, ``linestyle=`` and ``marker=`` keywords put in place of its own parts
    (a keyword wins over the format string); ValueError naming a value the viewer cannot draw."""
    colour, mark, line = _format_parts(fmt)
    if color is not None:
        c = _COLOUR_NAMES.get(color, color) if isinstance(color, str) else color  # pyright: ignore[reportUnnecessaryIsInstance]
        if not isinstance(c, str) or len(c) != 1 or c not in COLOURS:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"color {color!r} is not one the viewer draws: use one of bgrcmykw or "
                             f"{', '.join(_COLOUR_NAMES)}")
        colour = c
    if linestyle is not None:
        s = _LINE_STYLE_NAMES.get(linestyle, linestyle) if isinstance(linestyle, str) else linestyle  # pyright: ignore[reportUnnecessaryIsInstance]
        if not isinstance(s, str) or (s and s not in LINE_STYLES):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"linestyle {linestyle!r} is not one the viewer draws: use - -- : -. "
                             "(solid, dashed, dotted, dashdot) or \"none\"")
        line = s
    if marker is not None:
        m = _MARKER_NAMES.get(marker, marker) if isinstance(marker, str) else marker  # pyright: ignore[reportUnnecessaryIsInstance]
        if not isinstance(m, str) or (m and (len(m) != 1 or m not in MARKERS)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"marker {marker!r} is not one the viewer draws: use one of o.s^vx+* or \"none\"")
        mark = m
    return colour + mark + line


def check_series_name(name: str) -> None:
    """Raises ValueError (TypeError for a non-str) naming a series name the protocol cannot carry."""
    if not isinstance(name, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"series name must be a str, not {type(name).__name__}")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError as e:
        raise ValueError(f"series name {name!r} is not valid text: {e.reason} at position {e.start}") from None
    if not 1 <= size <= MAX_NAME_BYTES:
        raise ValueError(f"series name {name!r} is {size} UTF-8 bytes; a name takes 1 to {MAX_NAME_BYTES}")


def check_options(buffer_points: int, when_full: str, max_buffer_bytes: int | None = None) -> None:
    """Raises ValueError naming a bad buffering option."""
    if when_full not in ("drop", "block"):
        raise ValueError(f"when_full {when_full!r} is not a known policy: use \"drop\" (never wait) or \"block\" (lose nothing)")
    if isinstance(buffer_points, bool) or not isinstance(buffer_points, int):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"buffer_points must be an int, not {type(buffer_points).__name__}")
    if buffer_points < 1:
        raise ValueError(f"buffer_points {buffer_points} must be at least 1")
    if max_buffer_bytes is None:
        return
    if isinstance(max_buffer_bytes, bool) or not isinstance(max_buffer_bytes, int):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"max_buffer_bytes must be an int, not {type(max_buffer_bytes).__name__}")
    if max_buffer_bytes < 16 * buffer_points:
        raise ValueError(f"max_buffer_bytes {max_buffer_bytes} must be at least 16 bytes a point times buffer_points "
                         f"({16 * buffer_points}), the buffer it grows from")


def check_seconds(seconds: object, what: str) -> None:
    """Raises ValueError naming a time that is no number of seconds, 0 or more (None is no time given)."""
    if seconds is None:
        return
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real) or not float(seconds) >= 0:
        raise ValueError(f"{what} {seconds!r} must be a number of seconds, 0 or more")


def panel_properties(title: str | None, xlabel: str | None, ylabel: str | None, xscale: str, yscale: str,
                     linkx: bool, what: str) -> list[tuple[str, str]]:
    """The properties that differ from the protocol's defaults, checked: ValueError naming the bad value."""
    properties: list[tuple[str, str]] = []
    for key, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if value is None or value == "":
            continue
        if not isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"{what} {key} must be a str, not {type(value).__name__}")
        if len(value.encode("utf-8", "replace")) > MAX_PROPERTY_VALUE_BYTES:
            raise ValueError(f"{what} {key} {value[:40]!r} is longer than {MAX_PROPERTY_VALUE_BYTES} UTF-8 bytes")
        properties.append((key, value))
    for key, value in (("xscale", xscale), ("yscale", yscale)):
        if value not in SCALES:
            raise ValueError(f"{what} {key} {value!r} is not a scale: use \"linear\" or \"log\"")
        if value == "log":
            properties.append((key, value))
    if not isinstance(linkx, bool):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"{what} linkx {linkx!r} must be True or False")
    if not linkx:
        properties.append(("linkx", "false"))
    return properties


def parse_address(address: str) -> tuple[str, int]:
    """(host, port) of a tcp://host:port address; ValueError naming it when it is not one."""
    if not isinstance(address, str) or not address.lower().startswith("tcp://"):  # pyright: ignore[reportUnnecessaryIsInstance]
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


def default_producer_name() -> str:
    """The program's name and process id, as in ``train[4242]``."""
    program = os.path.splitext(os.path.basename(sys.argv[0] if sys.argv and sys.argv[0] else "python"))[0] or "python"
    return f"{program[:100]}[{os.getpid()}]"


def checked_producer_name(name: str | None) -> str:
    """``name``, or the default one for None; ValueError when it is not 1 to 200 UTF-8 bytes of text."""
    name = default_producer_name() if name is None else name
    try:
        name_size = len(name.encode("utf-8")) if isinstance(name, str) else 0  # pyright: ignore[reportUnnecessaryIsInstance]
    except UnicodeEncodeError:
        name_size = 0
    if not 1 <= name_size <= MAX_PRODUCER_NAME_BYTES:
        raise ValueError(f"producer name {name!r} must be 1 to {MAX_PRODUCER_NAME_BYTES} UTF-8 bytes of valid text")
    return name


def check_token(token: str) -> None:
    """The viewer's and the Hello's one rule for a token (AccessToken in PlotPipe.Protocol): at most 256 ASCII
    letters, digits, '-' and '_', so a token the viewer took is one this producer can send."""
    if not isinstance(token, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"token must be a str, not {type(token).__name__}")
    if len(token) > MAX_TOKEN_BYTES:
        raise ValueError(f"token is {len(token)} characters; a token takes at most {MAX_TOKEN_BYTES} ASCII letters, digits, '-' and '_'")
    for i, c in enumerate(token):
        if c not in TOKEN_CHARACTERS:
            shown = f"'{c}'" if " " < c <= "~" else f"U+{ord(c):04X}"
            raise ValueError(f"token has {shown} at character {i + 1}; a token takes ASCII letters, digits, '-' and '_' only")
