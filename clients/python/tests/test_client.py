"""Unit tests of the Python client: the encoder byte for byte, argument checks, batching and the buffer's policies.

Run by pytest with the rest of the suite (`python3 -m pytest -q tests` in clients/python; ./test.sh does).
"""

import array
import datetime
import io
import os
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import plotpipe
from plotpipe._transport import TcpLink

DOCUMENTED_EXAMPLE = bytes.fromhex(
    "50 4C 54 50 01 00 00 00"
    "10 00 00 00 01 00 00 00"
    "01 02 01 00 00 00 00 00 73 72 6F 00 00 00 00 00"
    "18 00 00 00 02 00 00 00"
    "01 00 00 00 00 00 00 00"
    "00 00 00 00 00 00 E0 3F"
    "00 00 00 00 00 00 00 40"
    "00 00 00 00 04 00 00 00")


def decode(stream: bytes):
    """A plain reading of docs/protocol.md: the frames of a whole stream (version 1, or version 2 after its Hello)
    as (type, series id, payload) tuples, DefineSeries as (kind, name, format) or, in a panel or with flags,
    (kind, name, format, panel, flags), Points as (xs, ys) lists, Dropped as the total, Finish as None, DefinePlot
    and DefinePanel (whose id is the panel's) as lists of (key, value)."""
    if stream[:8] == b"PLTP\x02\x00\x00\x00":
        return decode_v2(stream)[2]
    assert stream[:8] == b"PLTP\x01\x00\x00\x00", stream[:8]
    frames, at = [], 8
    while at < len(stream):
        length, kind, reserved, sid = struct.unpack_from("<IBBH", stream, at)
        assert reserved == 0 and length % 8 == 0
        p = stream[at + 8:at + 8 + length]
        assert len(p) == length, f"frame at byte {at} cut short"
        if kind == plotpipe.DEFINE_SERIES:
            skind, flen, nlen, panel, flags = struct.unpack_from("<BBHHH", p)
            assert length == (8 + nlen + flen + 7) & ~7 and not any(p[8 + nlen + flen:])
            defined = (skind, p[8:8 + nlen].decode("utf-8"), p[8 + nlen:8 + nlen + flen].decode("ascii"))
            frames.append((kind, sid, defined + (panel, flags) if panel or flags else defined))
        elif kind in (plotpipe.DEFINE_PLOT, plotpipe.DEFINE_PANEL):
            count, = struct.unpack_from("<H6x", p)
            properties, e = [], 8
            for _ in range(count):
                klen, vlen = struct.unpack_from("<HH", p, e)
                properties.append((p[e + 4:e + 4 + klen].decode("ascii"), p[e + 4 + klen:e + 4 + klen + vlen].decode("utf-8")))
                e += 4 + klen + vlen
            assert length == (e + 7) & ~7 and not any(p[e:])
            frames.append((kind, sid, properties))
        elif kind == plotpipe.POINTS:
            count, res = struct.unpack_from("<II", p)
            assert res == 0 and length == 8 + 16 * count
            xs = list(struct.unpack_from(f"<{count}d", p, 8))
            ys = list(struct.unpack_from(f"<{count}d", p, 8 + 8 * count))
            frames.append((kind, sid, (xs, ys)))
        elif kind == plotpipe.DROPPED:
            frames.append((kind, sid, struct.unpack("<q", p)[0]))
        elif kind == plotpipe.EVENT:
            ekind, flags, tlen, x, x2 = struct.unpack_from("<BBH4xdd", p)
            assert sid == 0 and length == (24 + tlen + 7) & ~7 and not any(p[24 + tlen:])
            assert ekind == plotpipe.SPAN or not any(p[16:24]), "a mark's x2 is reserved, zero"
            frames.append((kind, sid, (ekind, flags, x, x2 if ekind == plotpipe.SPAN else None, p[24:24 + tlen].decode("utf-8"))))
        elif kind == plotpipe.FINISH:
            assert sid == 0 and length == 0
            frames.append((kind, sid, None))
        else:
            raise AssertionError(f"unknown frame type {kind} at byte {at}")
        at += 8 + length
    return frames


def documented_version_2() -> bytes:
    """The version 2 example's bytes, read from docs/protocol.md: the leading hex pairs of each indented line."""
    doc_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "protocol.md")
    with open(doc_path, encoding="utf-8") as f:
        doc = f.read()
    section = doc[doc.index("### Version 2"):doc.index("### Version 1")]
    out = bytearray()
    for line in section.splitlines():
        if not line.startswith("    "):
            continue
        for word in line.split():
            if len(word) != 2 or any(c not in "0123456789ABCDEFabcdef" for c in word):
                break
            out += bytes.fromhex(word)
    return bytes(out)


def points_of(frames, sid=0):
    xs, ys = [], []
    for kind, s, payload in frames:
        if kind == plotpipe.POINTS and s == sid:
            xs += payload[0]
            ys += payload[1]
    return xs, ys


class Capture(io.RawIOBase):
    """A binary stream that keeps what is written and, while ``gate`` is clear, stalls the writer like a viewer that
    stopped reading."""

    def __init__(self):
        self.data = bytearray()
        self.gate = threading.Event()
        self.gate.set()
        self.writes = []
        self.finished = threading.Event()

    def writable(self):
        return True

    def write(self, b):
        self.gate.wait()
        self.data += b
        self.writes.append(time.monotonic())
        return len(b)

    def close(self):
        self.finished.set()
        super().close()


class Broken(io.RawIOBase):
    """A viewer that went away: every write fails as a closed pipe does."""

    def writable(self):
        return True

    def write(self, b):
        raise BrokenPipeError(32, "Broken pipe")


def same_values(test, expected, actual):
    """Compares long columns without unittest's diff, which takes minutes on lists this long."""
    expected, actual = list(expected), list(actual)
    if expected != actual:
        at = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
        test.fail(f"{len(actual)} values where {len(expected)} were expected; the first difference is at index {at}")


def wait_until(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.001)


class EncoderTests(unittest.TestCase):
    def test_the_example_in_protocol_md_is_what_the_encoder_produces(self):
        encoded = (plotpipe.encode_handshake(1)
                   + plotpipe.encode_define_series(0, plotpipe.SCATTER, "s", "ro")
                   + plotpipe.encode_points(0, array.array("d", [0.5]), array.array("d", [2.0]))
                   + plotpipe.encode_finish())
        self.assertEqual(DOCUMENTED_EXAMPLE.hex(" "), encoded.hex(" "))
        doc_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "protocol.md")
        with open(doc_path, encoding="utf-8") as f:
            doc = f.read()
        for line in ("50 4C 54 50 01 00 00 00", "01 02 01 00 00 00 00 00  73 72 6F 00 00 00 00 00", "00 00 00 00 00 00 E0 3F"):
            self.assertIn(line, doc)

    def test_a_plot_streams_the_documented_version_2_example_byte_for_byte(self):
        out = Capture()
        plot = plotpipe.to_stream(out, name="demo", title="Training")
        plot.panel("Loss", yscale="log").line("loss", "b-").add(1, 0.5)
        plot.span(0.5, 1.0, "eval")
        plot.mark(1.0, "lr/10")
        self.assertTrue(plot.finish())
        self.assertEqual(documented_version_2().hex(" "), bytes(out.data).hex(" "))

    def test_define_series_pads_utf8_names_with_zeros_to_a_multiple_of_8(self):
        frame = plotpipe.encode_define_series(7, plotpipe.LINE, "verlust \u00e9", "g--")
        self.assertEqual(0, len(frame) % 8)
        self.assertEqual([(1, 7, (2, "verlust \u00e9", "g--"))], decode(plotpipe.encode_handshake(1) + frame))

    def test_dropped_carries_the_running_total_as_i64(self):
        self.assertEqual(bytes.fromhex("08 00 00 00 03 00 05 00") + struct.pack("<q", 2 ** 40),
                         plotpipe.encode_dropped(5, 2 ** 40))


class ArgumentTests(unittest.TestCase):
    def setUp(self):
        self.plot = plotpipe.to_stream(Capture())

    def tearDown(self):
        self.plot.finish()

    def assertValueErrorNames(self, bad, call):
        with self.assertRaises(ValueError) as caught:
            call()
        self.assertIn(bad, str(caught.exception))

    def test_a_bad_format_string_raises_ValueError_naming_the_bad_part(self):
        self.assertValueErrorNames("'q' at position 2", lambda: self.plot.scatter("s", "roq"))
        self.assertValueErrorNames("two colours ('r' and 'b')", lambda: self.plot.line("s", "rb-"))
        self.assertValueErrorNames("two markers", lambda: self.plot.scatter("s", "o."))
        self.assertValueErrorNames("two line styles ('--' and ':')", lambda: self.plot.line("s", "--:"))
        self.assertValueErrorNames("longer than 16", lambda: self.plot.line("s", "-" * 17))

    def test_two_character_line_styles_are_read_before_the_marker_dot(self):
        for fmt in ("-.", "r-.", "--o", ":k", "", "b"):
            plotpipe.check_format(fmt)

    def test_a_bad_series_name_raises_ValueError_naming_it(self):
        self.assertValueErrorNames("'' is 0 UTF-8 bytes", lambda: self.plot.scatter(""))
        self.assertValueErrorNames("is 201 UTF-8 bytes", lambda: self.plot.scatter("x" * 201))
        self.assertValueErrorNames("is 202 UTF-8 bytes", lambda: self.plot.scatter("\u00e9" * 101))
        self.assertValueErrorNames("not valid text", lambda: self.plot.scatter("a\ud800"))
        self.plot.scatter("\u00e9" * 100)  # 200 bytes: the limit itself is allowed

    def test_bad_options_raise_ValueError_naming_the_value(self):
        self.assertValueErrorNames("'sometimes'", lambda: plotpipe.to_stream(Capture(), when_full="sometimes"))
        self.assertValueErrorNames("buffer_points 0", lambda: plotpipe.to_stream(Capture(), buffer_points=0))
        self.assertValueErrorNames("max_buffer_bytes 15999", lambda: plotpipe.to_stream(Capture(), buffer_points=1000, max_buffer_bytes=15_999))
        # Unless it is set, the bound follows a buffer_points above its default.
        large = plotpipe.to_stream(Capture(), buffer_points=1 << 25)
        self.assertEqual(1 << 29, large._max_buffer_bytes)
        large.finish()
        self.assertValueErrorNames("port 70000", lambda: plotpipe.spawn(port=70000, viewer="unused"))
        self.assertValueErrorNames("linger -1", lambda: plotpipe.spawn(linger=-1, viewer="unused"))

    def test_times_that_are_no_seconds_raise_ValueError_naming_them_when_given(self):
        # At the call, not as "unsupported operand" when the with block ends (the viewer is never started for them).
        self.assertValueErrorNames("finish_timeout '5'", lambda: plotpipe.to_stream(Capture(), finish_timeout="5"))  # pyright: ignore[reportArgumentType]
        self.assertValueErrorNames("finish_timeout -1", lambda: plotpipe.spawn(finish_timeout=-1, viewer="unused"))
        self.assertValueErrorNames("linger '5'", lambda: plotpipe.spawn(linger="5", viewer="unused"))  # pyright: ignore[reportArgumentType]
        self.assertValueErrorNames("timeout '3'", lambda: plotpipe.connect("tcp://127.0.0.1:1", timeout="3"))  # pyright: ignore[reportArgumentType]
        out = Capture()
        plot = plotpipe.to_stream(out)
        plot.line("s").add(1, 1)
        self.assertValueErrorNames("timeout nan", lambda: plot.finish(float("nan")))
        # The plot is not ended by the call refused: it finishes as it would have.
        self.assertTrue(plot.finish(5))
        self.assertEqual(([1.0], [1.0]), points_of(decode(bytes(out.data))))

    def test_columns_of_different_lengths_raise_ValueError(self):
        s = self.plot.scatter("s")
        self.assertValueErrorNames("xs has 3 values but ys has 2", lambda: s.add_many([1, 2, 3], [1, 2]))
        self.assertValueErrorNames("2 dimensions", lambda: s.add_many(memoryview(bytes(32)).cast("d", (2, 2)), [1, 2]))

    def test_points_that_are_not_numbers_raise_TypeError_and_leave_the_columns_even(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        s = plot.line("s")
        s.add(1, 1)
        with self.assertRaises(TypeError):
            s.add(2, "two")
        with self.assertRaises(TypeError):
            s.add_many(["a"], [1])
        s.add(3, 3)
        plot.finish()
        self.assertEqual(([1.0, 3.0], [1.0, 3.0]), points_of(decode(bytes(out.data))))

    def test_text_that_reads_as_a_number_is_no_number_to_add(self):
        # A field of a CSV row passed on as it was read: "2" is text, as add_many's columns already say.
        out = Capture()
        plot = plotpipe.to_stream(out)
        s = plot.line("s")
        for x, y in (("1", 2), (1, "2"), (1, "nan"), (1.5, b"2"), (1, bytearray(b"2"))):
            with self.subTest(x=x, y=y), self.assertRaisesRegex(TypeError, r"add\(.*\): x must be a real number"):
                s.add(x, y)
        s.add(3, 3)
        plot.finish()
        self.assertEqual(([3.0], [3.0]), points_of(decode(bytes(out.data))))

    def test_more_than_1024_series_raise_ValueError(self):
        for i in range(plotpipe.MAX_SERIES):
            self.plot.scatter(f"s{i}")
        self.assertValueErrorNames("'one more' would be one more", lambda: self.plot.scatter("one more"))


class BufferTests(unittest.TestCase):
    def test_add_many_takes_sequences_arrays_and_buffers_of_doubles(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        s = plot.scatter("s")
        doubles = array.array("d", [4.5, 5.5])
        s.add_many([1, 2.5], (3, 4))
        s.add_many(range(2), range(2, 4))
        s.add_many(doubles, doubles)
        s.add_many(memoryview(doubles.tobytes()).cast("d"), memoryview(bytearray(doubles.tobytes())).cast("d"))
        s.add_many(array.array("f", [0.25]), array.array("i", [-7]))
        s.add_many(memoryview(array.array("d", [1, 9, 2, 9]))[::2], [0, 0])  # a strided view is copied
        s.add_many([], [])
        plot.finish()
        self.assertEqual(([1, 2.5, 0, 1, 4.5, 5.5, 4.5, 5.5, 0.25, 1, 2], [3, 4, 2, 3, 4.5, 5.5, 4.5, 5.5, -7, 0, 0]),
                         points_of(decode(bytes(out.data))))

    def test_a_large_column_goes_out_in_full_batches_with_every_point_in_order(self):
        out = Capture()
        plot = plotpipe.to_stream(out, when_full="block", buffer_points=20_000)
        s = plot.line("s")
        n = 100_003
        s.add_many(array.array("d", range(n)), array.array("d", range(n)))
        plot.finish()
        frames = decode(bytes(out.data))
        sizes = [len(p[0]) for k, _, p in frames if k == plotpipe.POINTS]
        self.assertTrue(all(size <= 8192 for size in sizes), sizes)
        same_values(self, range(n), points_of(frames)[0])
        self.assertEqual(plotpipe.FINISH, frames[-1][0])

    def test_a_partial_batch_leaves_without_more_points_or_finish(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        plot.scatter("quiet").add(1, 2)
        wait_until(lambda: points_of(decode(bytes(out.data)))[0] == [1.0])
        plot.finish()

    def test_a_full_buffer_drops_and_counts_under_drop_and_the_viewer_is_told_the_total(self):
        out = Capture()
        out.gate.clear()  # the viewer reads nothing: the writer stalls on its first write
        plot = plotpipe.to_stream(out, buffer_points=1000, max_buffer_bytes=16_000)
        s = plot.line("s")
        for i in range(5000):
            s.add(i, i)
        self.assertEqual(4000, s.dropped)
        self.assertEqual(4000, plot.dropped)
        out.gate.set()
        # Delivered to the end, but not everything added: finish says so.
        self.assertFalse(plot.finish())
        frames = decode(bytes(out.data))
        same_values(self, range(1000), points_of(frames)[0])
        self.assertEqual([4000], [p for k, _, p in frames if k == plotpipe.DROPPED])

    def test_a_burst_into_a_stalled_viewer_grows_the_buffer_and_arrives_whole_under_the_default_options(self):
        out = Capture()
        out.gate.clear()
        plot = plotpipe.to_stream(out)
        s = plot.line("s")
        # Four times the .NET producer's base buffer while nothing is written: a column, then single points.
        n = 1 << 20
        s.add_many(array.array("d", range(n // 2)), array.array("d", range(n // 2)))
        for i in range(n // 2, n):
            s.add(i, i)
        self.assertEqual(0, s.dropped)
        out.gate.set()
        self.assertTrue(plot.finish(60))
        frames = decode(bytes(out.data))
        same_values(self, range(n), points_of(frames)[0])
        self.assertNotIn(plotpipe.DROPPED, [k for k, _, _ in frames])

    def test_points_are_dropped_only_beyond_max_buffer_bytes_and_the_first_drop_logs_one_warning_naming_the_fix(self):
        out = Capture()
        out.gate.clear()
        plot = plotpipe.to_stream(out, buffer_points=1000, max_buffer_bytes=1 << 20)
        s = plot.line("s")
        with self.assertLogs("plotpipe", "WARNING") as logged:
            for i in range(100_000):
                s.add(i, i)
            s.add_many(range(1000), range(1000))
        # 65,536 points fit in 1 MiB; the writer may have taken one batch into the stalled stream.
        self.assertIn(s.dropped, range(101_000 - 65_536 - 8192, 101_000 - 65_536 + 1))
        self.assertEqual(1, len(logged.output), logged.output)
        self.assertIn("bound of 1 MiB (max_buffer_bytes)", logged.output[0])
        self.assertIn("raise max_buffer_bytes", logged.output[0])
        self.assertIn('when_full="block"', logged.output[0])
        out.gate.set()
        self.assertFalse(plot.finish(60), "finish() said every point arrived, yet some were dropped")

    def test_block_keeps_to_buffer_points_unless_max_buffer_bytes_is_given(self):
        # Block waits rather than drops: growing would only let the page fall further behind a fast producer.
        blocking = plotpipe.to_stream(Capture(), buffer_points=1000, when_full="block")
        self.assertEqual(1000, blocking._bound_points)
        self.assertTrue(blocking.finish())
        given = plotpipe.to_stream(Capture(), buffer_points=1000, when_full="block", max_buffer_bytes=1 << 20)
        self.assertEqual((1 << 20) // 16, given._bound_points)
        self.assertTrue(given.finish())
        dropping = plotpipe.to_stream(Capture(), buffer_points=1000)
        self.assertGreater(dropping._bound_points, 1000)
        self.assertTrue(dropping.finish())

    def test_block_waits_for_a_slow_viewer_and_loses_nothing(self):
        out = Capture()
        out.gate.clear()
        plot = plotpipe.to_stream(out, buffer_points=100, max_buffer_bytes=1600, when_full="block")
        s = plot.line("s")
        done = threading.Event()

        def produce():
            for i in range(20_000):
                s.add(i, -i)
            done.set()

        producer = threading.Thread(target=produce)
        producer.start()
        # Stalled viewer: the producer waits with a full buffer instead of dropping.
        wait_until(lambda: plot._room == 0)
        self.assertFalse(done.is_set())
        self.assertEqual(0, s.dropped)
        out.gate.set()
        producer.join(30)
        self.assertTrue(plot.finish())
        self.assertEqual(0, s.dropped)
        xs, ys = points_of(decode(bytes(out.data)))
        same_values(self, range(20_000), xs)
        same_values(self, [-x for x in xs], ys)

    def test_points_added_after_finish_are_counted_and_not_sent(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        s = plot.scatter("s")
        s.add(1, 1)
        self.assertTrue(plot.finish())
        s.add(2, 2)
        s.add_many([3, 4], [3, 4])
        self.assertEqual(3, s.dropped)
        frames = decode(bytes(out.data))
        self.assertEqual([1.0], points_of(frames)[0])
        self.assertEqual(plotpipe.FINISH, frames[-1][0])
        with self.assertRaises(RuntimeError):
            plot.line("late")

    def test_a_viewer_that_goes_away_never_raises_into_the_loop_and_adds_are_counted(self):
        plot = plotpipe.to_stream(Broken())
        s = plot.line("s")
        wait_until(lambda: plot.viewer_lost_reason is not None)
        self.assertFalse(plot.viewer_connected)
        self.assertIn("Broken pipe", plot.viewer_lost_reason)
        for i in range(10_000):
            s.add(i, i)
        s.add_many(range(5), range(5))
        self.assertEqual(10_005, s.dropped)
        started = time.monotonic()
        self.assertFalse(plot.finish())
        self.assertLess(time.monotonic() - started, 1)

    def test_a_with_block_finishes_the_stream_and_one_left_by_an_exception_only_closes_it(self):
        out = Capture()
        with plotpipe.to_stream(out) as plot:
            plot.scatter("s").add(1, 1)
        self.assertEqual(plotpipe.FINISH, decode(bytes(out.data))[-1][0])

        out = Capture()
        with self.assertRaises(KeyError):
            with plotpipe.to_stream(out) as plot:
                plot.scatter("s").add(1, 1)
                raise KeyError("the producer's own bug")
        self.assertTrue(out.finished.wait(10))
        frames = decode(bytes(out.data))
        self.assertEqual([1.0], points_of(frames)[0])
        self.assertNotIn(plotpipe.FINISH, [k for k, _, _ in frames])

    def test_a_program_that_ends_without_finishing_still_sends_its_points_and_no_finish(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "stream")
            script = ("import plotpipe\n"
                      f"plot = plotpipe.to_stream(open({path!r}, 'wb'))\n"
                      "s = plot.line('s')\n"
                      "for i in range(12345):\n"
                      "    s.add(i, i)\n")
            here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            subprocess.run([sys.executable, "-c", script], cwd=here, check=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": here})
            with open(path, "rb") as f:
                frames = decode(f.read())
        same_values(self, range(12345), points_of(frames)[0])
        self.assertNotIn(plotpipe.FINISH, [k for k, _, _ in frames])

    def test_series_keep_their_ids_and_definitions_go_before_their_points(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        a, b = plot.scatter("a", "ro"), plot.line("b", "b-")
        b.add(1, 2)
        a.add(3, 4)
        plot.finish()
        frames = decode(bytes(out.data))
        self.assertEqual([(1, 0, (1, "a", "ro")), (1, 1, (2, "b", "b-"))], [f for f in frames if f[0] == 1])
        for sid in (0, 1):
            defined = [i for i, f in enumerate(frames) if f[0] == plotpipe.DEFINE_SERIES and f[1] == sid]
            points = [i for i, f in enumerate(frames) if f[0] == plotpipe.POINTS and f[1] == sid]
            self.assertLess(defined[0], points[0])
        self.assertEqual(([3.0], [4.0]), points_of(frames, 0))
        self.assertEqual(([1.0], [2.0]), points_of(frames, 1))


# A stand-in for the viewer that takes its time over the picture, as a real one does at its first render: it reads the
# stream to its end, waits, then writes the file (or fails) and says so on standard error, and stays up.
FAKE_VIEWER = """
import sys, time
png = sys.argv[sys.argv.index("--png") + 1]
print("PlotPipe viewer: http://127.0.0.1:9/", flush=True)
while sys.stdin.buffer.read(65536):
    pass
time.sleep(0.5)
if sys.argv[1] == "save":
    with open(png, "wb") as f:
        f.write(b"picture")
    print("plotpipe: saved " + png, file=sys.stderr, flush=True)
else:
    print("plotpipe: could not save " + png + ": No space left on device", file=sys.stderr, flush=True)
time.sleep(60)
"""


class PictureTests(unittest.TestCase):
    def spawn(self, outcome, png):
        plot = plotpipe.spawn(open_browser=False, save_png=png, finish_timeout=60,
                              viewer=[sys.executable, "-c", FAKE_VIEWER, outcome])
        self.addCleanup(plot.close_viewer)
        return plot

    def test_finish_returns_once_the_viewer_says_it_saved_the_picture(self):
        with tempfile.TemporaryDirectory() as folder:
            png = os.path.join(folder, "plot.png")
            plot = self.spawn("save", png)
            plot.line("s").add(1, 1)
            with self.assertNoLogs("plotpipe", "WARNING"):
                self.assertTrue(plot.finish())
            self.assertTrue(os.path.exists(png), "the picture was not on disk when finish() returned")
            self.assertEqual([], plot._viewer.pictures_not_saved)

    def test_a_picture_the_viewer_could_not_save_ends_the_wait_and_finish_returns_False(self):
        with tempfile.TemporaryDirectory() as folder:
            png = os.path.join(folder, "plot.png")
            plot = self.spawn("fail", png)
            plot.line("s").add(1, 1)
            # Within its 60 s: the viewer's line ends the wait, so nothing is logged about giving up.
            with self.assertNoLogs("plotpipe", "WARNING"):
                self.assertFalse(plot.finish())
            self.assertEqual([], plot._viewer.pictures_not_saved)
            self.assertFalse(os.path.exists(png))


class PlotModelTests(unittest.TestCase):
    def test_title_and_panels_go_out_before_their_series_with_only_what_differs_from_the_defaults(self):
        out = Capture()
        plot = plotpipe.to_stream(out, title="Training")
        loss_panel = plot.panel("Loss", ylabel="cross-entropy", yscale="log")
        loss = loss_panel.line("train", "b-")
        acc = plot.panel("Accuracy", ylabel="accuracy", xlabel="step", linkx=False).scatter("val", "g.")
        temp = plot.line("temperature", "r-")
        loss.add(1, 2.5)
        acc.add(1, 0.5)
        temp.add(1, 21.5)
        self.assertTrue(plot.finish())
        frames = decode(bytes(out.data))
        self.assertEqual([
            (plotpipe.DEFINE_PLOT, 0, [("title", "Training")]),
            (plotpipe.DEFINE_PANEL, 1, [("title", "Loss"), ("ylabel", "cross-entropy"), ("yscale", "log")]),
            (plotpipe.DEFINE_PANEL, 2, [("title", "Accuracy"), ("xlabel", "step"), ("ylabel", "accuracy"), ("linkx", "false")]),
        ], frames[:3])
        defines = [f for f in frames if f[0] == plotpipe.DEFINE_SERIES]
        self.assertEqual([(1, 0, (2, "train", "b-", 1, 0)), (1, 1, (1, "val", "g.", 2, 0)), (1, 2, (2, "temperature", "r-"))], defines)
        self.assertEqual("Loss", loss_panel.title)

    def test_datetimes_arrive_as_exact_unix_seconds_and_mark_the_series_as_timed(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        steps = plot.line("steps")
        timed = plot.line("timed")
        t = datetime.datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=datetime.timezone.utc)
        steps.add(1, 1)
        timed.add(t, 1)
        timed.add(t.astimezone(datetime.timezone(datetime.timedelta(hours=-7))), 2)
        naive_local = t.astimezone().replace(tzinfo=None)
        timed.add(naive_local, 3)
        times = [t + datetime.timedelta(microseconds=i) for i in range(1000)]
        timed.add_many(times, range(1000))
        self.assertTrue(timed.x_is_time)
        self.assertFalse(steps.x_is_time)
        self.assertTrue(plot.finish())
        frames = decode(bytes(out.data))
        defines = [f for f in frames if f[0] == plotpipe.DEFINE_SERIES]
        self.assertEqual([(1, 0, (2, "steps", "-")), (1, 1, (2, "timed", "-", 0, plotpipe.TIME_X))], defines)
        xs, _ = points_of(frames, 1)
        self.assertEqual([1704164645.25] * 3, xs[:3])
        same_values(self, [(1704164645250000 + i) / 1e6 for i in range(1000)], xs[3:])
        self.assertEqual(1000, len(set(xs[3:])))

    def test_series_are_defined_in_the_order_made_when_a_later_one_sends_first_and_idle_ones_at_the_end(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        a, b, idle = plot.line("a"), plot.line("b"), plot.line("idle")
        b.add(datetime.datetime.now(datetime.timezone.utc), 1)
        wait_until(lambda: any(f[0] == plotpipe.POINTS for f in decode(bytes(out.data))))
        a.add(2, 2)
        self.assertTrue(plot.finish())
        defines = [f for f in decode(bytes(out.data)) if f[0] == plotpipe.DEFINE_SERIES]
        self.assertEqual([0, 1, 2], [f[1] for f in defines])
        # a went out with b, before its own first point: no time mark.
        self.assertEqual((2, "a", "-"), defines[0][2])
        self.assertEqual(plotpipe.TIME_X, defines[1][2][4])

    def test_panel_mistakes_raise_ValueError_naming_the_value_and_the_64th_panel_names_the_limit(self):
        plot = plotpipe.to_stream(Capture())
        self.addCleanup(plot.finish)
        with self.assertRaisesRegex(ValueError, "yscale 'logarithmic'"):
            plot.panel("Loss", yscale="logarithmic")
        with self.assertRaisesRegex(ValueError, "xscale 'Log'"):
            plot.panel("Loss", xscale="Log")
        with self.assertRaisesRegex(ValueError, "linkx 'no'"):
            plot.panel("Loss", linkx="no")
        with self.assertRaisesRegex(ValueError, "longer than 1024"):
            plot.panel("x" * 1025)
        for i in range(63):
            plot.panel(f"p{i}")
        with self.assertRaisesRegex(ValueError, "at most 63 panels"):
            plot.panel("one too many")


if __name__ == "__main__":
    unittest.main()


class Listener(socketserver.ThreadingTCPServer):
    """A listening viewer's stand-in on 127.0.0.1: keeps every connection's bytes; with ``refusal`` set it answers
    the Hello with that line and closes, as a viewer does to a wrong token."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refusal=None):
        self.refusal = refusal
        self.streams = []
        self.done = threading.Semaphore(0)
        super().__init__(("127.0.0.1", 0), ListenerHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self):
        return f"tcp://127.0.0.1:{self.server_address[1]}"

    def stop(self):
        self.shutdown()
        self.server_close()


def ends_with_finish(data: bytes) -> bool:
    """Whether a whole version 2 stream's last complete frame is the Finish frame."""
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack_from("<IB", data, at)
        if at + 8 + length > len(data):
            return False
        if kind == plotpipe.FINISH:
            return True
        at += 8 + length
    return False


class ListenerHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data = bytearray()
        try:
            while True:
                if self.server.refusal is not None and len(data) >= 16 and len(data) >= 16 + struct.unpack_from("<I", data, 8)[0]:
                    self.request.sendall(self.server.refusal.encode() + b"\n")
                    break
                # As the viewer does: the connection closes once the Finish frame is read.
                if ends_with_finish(data):
                    break
                chunk = self.request.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
        finally:
            self.server.streams.append(bytes(data))
            self.server.done.release()


def decode_v2(stream: bytes):
    """A version 2 stream as (hello name, hello token, frames after the Hello, decoded as version 1 frames are)."""
    assert stream[:8] == b"PLTP\x02\x00\x00\x00", stream[:8]
    length, kind, reserved, sid = struct.unpack_from("<IBBH", stream, 8)
    assert (kind, reserved, sid) == (plotpipe.HELLO, 0, 0), (kind, reserved, sid)
    name_len, token_len, res = struct.unpack_from("<HHI", stream, 16)
    assert res == 0 and length == (8 + name_len + token_len + 7) & ~7
    assert not any(stream[24 + name_len + token_len:16 + length])
    name = stream[24:24 + name_len].decode("utf-8")
    token = stream[24 + name_len:24 + name_len + token_len].decode("ascii")
    # After the Hello, these frames are laid out as in version 1 (panel 0, no flags).
    return name, token, decode(b"PLTP\x01\x00\x00\x00" + stream[16 + length:])


class ConnectTests(unittest.TestCase):
    def test_connect_sends_version_2_with_a_hello_then_every_point_and_finish(self):
        server = Listener()
        self.addCleanup(server.stop)
        with plotpipe.connect(server.address, token="s3cret_T-0k", name="run ✓", when_full="block") as plot:
            self.assertTrue(plot.viewer_connected)
            s = plot.line("loss", "b-")
            s.add_many(array.array("d", range(100_000)), array.array("d", range(100_000)))
            s.add(100_000, 1)
        self.assertTrue(server.done.acquire(timeout=10))
        name, token, frames = decode_v2(server.streams[0])
        self.assertEqual(("run ✓", "s3cret_T-0k"), (name, token))
        self.assertEqual((plotpipe.DEFINE_SERIES, 0, (plotpipe.LINE, "loss", "b-")), frames[0])
        same_values(self, [float(i) for i in range(100_001)], points_of(frames)[0])
        self.assertEqual(plotpipe.FINISH, frames[-1][0])

    def test_the_default_producer_name_is_the_programs_name_and_process_id(self):
        server = Listener()
        self.addCleanup(server.stop)
        self.assertTrue(plotpipe.connect(server.address, token="").finish())
        self.assertTrue(server.done.acquire(timeout=10))
        name, token, _ = decode_v2(server.streams[0])
        self.assertTrue(name.endswith(f"[{os.getpid()}]"), name)
        self.assertEqual("", token)

    def test_a_refusal_line_loses_the_viewer_with_its_reason_and_adds_never_raise(self):
        server = Listener(refusal="plotpipe: refused: wrong token")
        self.addCleanup(server.stop)
        with self.assertLogs("plotpipe", level="WARNING") as logs:
            plot = plotpipe.connect(server.address, token="wrong")
            s = plot.line("s")
            deadline = time.monotonic() + 10
            i = 0
            while plot.viewer_lost_reason is None:
                self.assertLess(time.monotonic(), deadline, "the refusal was never noticed")
                s.add(i, i)
                i += 1
                if i % 1000 == 0:
                    time.sleep(0.001)
            # The reason is kept a moment before the warning is logged.
            wait_until(lambda: any("refused this producer" in line for line in logs.output))
        self.assertFalse(plot.viewer_connected)
        self.assertEqual("plotpipe: refused: wrong token", plot.viewer_lost_reason)
        # Said as the viewer's answer to this producer, not as the viewer going away.
        self.assertIn("WARNING:plotpipe:PlotPipe: the viewer refused this producer (wrong token); points added from now on "
                      "are counted as dropped; connect(..., token=...) takes the token of the viewer's page address (?token=...)",
                      logs.output)
        self.assertFalse(plot.finish(1))

    def test_a_malformed_address_or_token_raises_ValueError_naming_it(self):
        for address in ("127.0.0.1:5000", "udp://127.0.0.1:5000", "tcp://127.0.0.1", "tcp://127.0.0.1:0",
                        "tcp://127.0.0.1:65536", "tcp://:5000", "tcp://127.0.0.1:x"):
            with self.subTest(address=address):
                with self.assertRaises(ValueError) as raised:
                    plotpipe.connect(address)
                self.assertIn(repr(address), str(raised.exception))
        for token in ("has space", "é", "a" * 257):
            with self.subTest(token=token), self.assertRaisesRegex(ValueError, "token"):
                plotpipe.connect("tcp://127.0.0.1:1", token=token)
        with self.assertRaisesRegex(ValueError, "producer name"):
            plotpipe.connect("tcp://127.0.0.1:1", name="")


class LinkTests(unittest.TestCase):
    def test_a_connections_reader_that_ends_after_a_reconnection_leaves_the_new_connection_up(self):
        server = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(server.close)
        link = TcpLink("127.0.0.1", server.getsockname()[1])
        self.addCleanup(link.stop)
        link.connect(5)
        first, _ = server.accept()
        self.addCleanup(first.close)
        older = link._current  # pyright: ignore[reportPrivateUsage]
        assert older is not None
        # The writer makes the next connection while the first is still open, as it does when its own write found the
        # first one gone before that connection's reader did; only then does the first one's end reach its reader.
        link.connect(5)
        second, _ = server.accept()
        self.addCleanup(second.close)
        first.close()
        self.assertTrue(older.closed.wait(10), "the first connection's reader never ended")
        self.assertFalse(link.down, "the first connection's reader took the second connection down")
        # The second connection's own reader does end it.
        second.close()
        wait_until(lambda: link.down)


class MarkerTests(unittest.TestCase):
    """plot.mark and plot.span: Event frames as docs/protocol.md lays them out, mistakes raised naming the value,
    and nothing about sending them ever raised into the loop."""

    def markers(self, out: Capture):
        return [payload for kind, _, payload in decode(bytes(out.data)) if kind == plotpipe.EVENT]

    def test_marks_and_spans_are_sent_as_event_frames_after_the_points_made_before_them(self):
        out = Capture()
        plot = plotpipe.to_stream(out, name="trainer")
        loss = plot.line("loss")
        for step in range(4):
            loss.add(step, 1 / (step + 1))
        plot.mark(3, "learning rate dropped")
        loss.add(4, 0.2)
        opened = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
        plot.span(5, 8, "evaluation \u2713")
        plot.mark(opened, "valve opened")
        plot.span(opened, opened + datetime.timedelta(hours=1), "flush")
        self.assertTrue(plot.finish())
        seconds = plotpipe.unix_seconds(opened)
        self.assertEqual([(plotpipe.MARK, 0, 3.0, None, "learning rate dropped"),
                          (plotpipe.SPAN, 0, 5.0, 8.0, "evaluation \u2713"),
                          (plotpipe.MARK, plotpipe.TIME_X, seconds, None, "valve opened"),
                          (plotpipe.SPAN, plotpipe.TIME_X, seconds, seconds + 3600, "flush")], self.markers(out))
        # Every point added before the first mark comes before it in the stream (a later one may come along too).
        frames = decode(bytes(out.data))
        first_mark = next(i for i, f in enumerate(frames) if f[0] == plotpipe.EVENT)
        self.assertEqual([0.0, 1.0, 2.0, 3.0], points_of(frames[:first_mark])[0][:4])
        self.assertEqual(0, plot.dropped_events)

    def test_marker_mistakes_raise_naming_the_value(self):
        plot = plotpipe.to_stream(Capture())
        self.addCleanup(plot.finish)
        for call, error, named in (
                (lambda: plot.mark(1, ""), ValueError, "empty"),
                (lambda: plot.mark(1, "\u00e9" * 513), ValueError, "1026 UTF-8 bytes"),
                (lambda: plot.mark(float("nan"), "t"), ValueError, "marker x nan"),
                (lambda: plot.span(1, float("inf"), "t"), ValueError, "span end x1 inf"),
                (lambda: plot.span(5, 3, "eval"), ValueError, "span ends at 3, before it starts at 5"),
                (lambda: plot.mark("3", "t"), TypeError, "marker x '3'"),
                (lambda: plot.mark(1, 5), TypeError, "marker text must be a str"),  # pyright: ignore[reportArgumentType]
                (lambda: plot.span(datetime.datetime.now(datetime.timezone.utc), 5, "t"), TypeError, "both ends")):
            with self.assertRaises(error) as caught:
                call()
            self.assertIn(named, str(caught.exception))
        self.assertEqual(0, plot.dropped_events)

    def test_markers_after_finish_or_a_lost_viewer_are_counted_not_raised(self):
        out = Capture()
        plot = plotpipe.to_stream(out)
        plot.mark(1, "before")
        self.assertTrue(plot.finish())
        plot.mark(2, "after")
        self.assertEqual(1, plot.dropped_events)
        self.assertEqual(["before"], [m[4] for m in self.markers(out)])
        broken = plotpipe.to_stream(Broken())
        broken.mark(1, "into a closed pipe")
        self.assertFalse(broken.finish(5))
        broken.mark(2, "after the loss")
        self.assertEqual(2, broken.dropped_events)

    def test_markers_never_wait_for_a_stalled_viewer_and_those_past_the_bound_are_counted(self):
        out = Capture()
        out.gate.clear()
        plot = plotpipe.to_stream(out)
        for i in range(66_000):
            plot.mark(i, "m")
        # The writer holds at most one turn's markers while it waits on the stalled write; the rest wait or are counted.
        self.assertGreaterEqual(plot.dropped_events, 66_000 - 2 * 65_536)
        out.gate.set()
        plot.finish(30)
        self.assertEqual(66_000, len(self.markers(out)) + plot.dropped_events)
