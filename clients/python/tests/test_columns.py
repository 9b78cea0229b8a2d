"""Columns, times and styles as the client reads them, checked on the bytes it writes (no viewer needed)."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pandas as pd
import pytest

import plotpipe
from test_client import decode, points_of

T0 = 1_748_779_200  # 2025-06-01T12:00:00Z


def sent(add) -> tuple[list[float], list[float], tuple]:
    """What a plot writes for one series filled by ``add(series)``: its x and y columns and its definition."""
    out = io.BytesIO()
    out.close = lambda: None  # keep the bytes readable after finish
    plot = plotpipe.to_stream(out, when_full="block")
    add(plot.line("s"))
    assert plot.finish(10)
    frames = decode(out.getvalue())
    definition = next(payload for kind, _, payload in frames if kind == plotpipe.DEFINE_SERIES)
    xs, ys = points_of(frames)
    return xs, ys, definition


@pytest.mark.parametrize("unit", ["D", "h", "m", "s", "ms", "us", "ns", "10ms"])
def test_datetime64_of_every_unit_arrives_as_exact_unix_seconds_and_marks_the_series_timed(unit):
    xs = np.array([T0, T0 + 3600], dtype="datetime64[s]").astype(f"datetime64[{unit}]")
    got, _, definition = sent(lambda s: s.add_many(xs, [1, 2]))
    expected = [float(v.astype("datetime64[ns]").astype(np.int64)) / 1e9 for v in xs]
    assert got == expected
    assert definition[-1] == plotpipe.TIME_X


def test_sub_second_datetime64_keeps_its_microseconds():
    xs = np.array(["2025-06-01T12:00:00.123456789"], dtype="datetime64[ns]")
    got, _, _ = sent(lambda s: s.add_many(xs, [1]))
    assert got[0] == pytest.approx(T0 + 0.123456789, abs=1e-6)


def test_not_a_time_arrives_as_nan():
    xs = np.array(["2025-06-01T12:00:00", "NaT"], dtype="datetime64[ms]")
    got, _, _ = sent(lambda s: s.add_many(xs, [1, 2]))
    assert got[0] == T0 and got[1] != got[1]


def test_pandas_times_are_the_instants_they_name_naive_ones_read_as_utc():
    utc = pd.date_range("2025-06-01 12:00", periods=3, freq="s")
    berlin = utc.tz_localize("UTC").tz_convert("Europe/Berlin")
    for xs in (utc, berlin, pd.Series(berlin), pd.Series(utc)):
        got, _, definition = sent(lambda s: s.add_many(xs, [1, 2, 3]))
        assert got == [T0, T0 + 1, T0 + 2]
        assert definition[-1] == plotpipe.TIME_X


def test_single_times_of_every_kind_in_add_are_unix_seconds():
    values = [datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.timezone.utc), pd.Timestamp("2025-06-01 12:00"),
              pd.Timestamp("2025-06-01 14:00", tz="Europe/Berlin"), np.datetime64("2025-06-01T12:00:00"),
              np.datetime64("2025-06-01T12:00:00.000000000")]

    def add(s):
        for v in values:
            s.add(v, 1)

    got, _, definition = sent(add)
    assert got == [T0] * len(values)
    assert definition[-1] == plotpipe.TIME_X


def test_y_of_any_numeric_dtype_and_pandas_series_arrive_as_doubles():
    for ys in (np.arange(3, dtype=np.int8), np.arange(3, dtype=np.uint64), np.arange(3, dtype=np.float16),
               np.array([0, 1, 2], dtype=np.float32), np.array([False, True, True]),
               pd.Series([0, 1, 2], dtype="Int64"), pd.Series([0.0, 1.0, 2.0]), pd.Index([0, 1, 2])):
        got_x, got_y, definition = sent(lambda s: s.add_many(np.arange(3), ys))
        assert got_x == [0.0, 1.0, 2.0]
        assert got_y == [float(v) for v in np.asarray(ys, dtype=np.float64)], ys
        assert definition == (plotpipe.LINE, "s", "-")
    _, got_y, _ = sent(lambda s: s.add_many([0, 1], pd.Series([1, None], dtype="Int64")))
    assert got_y[0] == 1.0 and got_y[1] != got_y[1]


def test_a_strided_numpy_column_arrives_in_order():
    xs = np.arange(20, dtype=np.float64)[::2]
    got, _, _ = sent(lambda s: s.add_many(xs, xs))
    assert got == [float(v) for v in range(0, 20, 2)]


def test_columns_that_are_no_numbers_raise_TypeError_naming_them():
    plot = plotpipe.to_stream(io.BytesIO())
    s = plot.line("s")
    with pytest.raises(TypeError, match="xs"):
        s.add_many(["a", "b"], [1, 2])
    with pytest.raises(TypeError, match="ys"):
        s.add_many([1, 2], np.array(["a", "b"]))
    with pytest.raises(ValueError, match="2 dimensions"):
        s.add_many(np.zeros((2, 2)), [1, 2])
    with pytest.raises(TypeError, match="y takes numbers"):
        s.add_many([1, 2], np.array(["2025-01-01", "2025-01-02"], dtype="datetime64[D]"))
    plot.finish()


def test_a_duplicate_series_name_raises_ValueError_naming_it():
    plot = plotpipe.to_stream(io.BytesIO())
    plot.line("loss")
    with pytest.raises(ValueError, match="'loss' is already in this plot"):
        plot.scatter("loss")
    with pytest.raises(ValueError, match="'loss' is already in this plot"):
        plot.panel("Other").line(label="loss")
    plot.finish()


def test_matplotlib_keywords_win_over_the_format_string_and_bad_ones_name_the_value():
    plot = plotpipe.to_stream(io.BytesIO())
    assert plot.line(label="a", color="red", linestyle="dotted").fmt == "r:"
    assert plot.line("b", "b--", color="g").fmt == "g--"
    assert plot.scatter("c", "ro", marker="^").fmt == "r^"
    assert plot.line("d", "k-", linestyle="none", marker="s").fmt == "ks"
    assert plot.line("e", color="k").fmt == "k-"
    with pytest.raises(ValueError, match="color 'orange'"):
        plot.line("f", color="orange")
    with pytest.raises(ValueError, match="linestyle 'wavy'"):
        plot.line("g", linestyle="wavy")
    with pytest.raises(ValueError, match="marker 'D'"):
        plot.line("h", marker="D")
    with pytest.raises(ValueError, match="'i' and label 'j' differ"):
        plot.line("i", label="j")
    with pytest.raises(TypeError, match="needs a name"):
        plot.line()
    plot.finish()


def test_dataframe_takes_a_column_as_x_and_refuses_what_is_no_frame():
    out = io.BytesIO()
    out.close = lambda: None
    plot = plotpipe.to_stream(out, when_full="block")
    df = pd.DataFrame({"step": [1, 2, 3], "loss": [0.5, 0.4, 0.3], "name": ["a", "b", "c"]})
    made = plot.dataframe(df, x="step", kind="scatter")
    assert list(made) == ["loss"] and made["loss"].kind == "scatter"
    with pytest.raises(ValueError, match="x 'epoch' is not a column"):
        plot.dataframe(df, x="epoch")
    with pytest.raises(TypeError, match="pandas DataFrame"):
        plot.dataframe([1, 2, 3])
    assert plot.finish()
    assert points_of(decode(out.getvalue())) == ([1.0, 2.0, 3.0], [0.5, 0.4, 0.3])


def test_gathered_writes_resume_where_a_partial_write_stopped():
    import array
    from plotpipe._transport import write_gathered
    pieces = [b"head", array.array("d", [1.0, 2.0]), b"", array.array("d", [3.0]), b"tail"]
    expected = b"".join(bytes(p) for p in pieces)
    for step in (1, 3, 7, 100):
        out = bytearray()

        def send(views, step=step):
            taken = b"".join(bytes(v) for v in views)[:step]
            out.extend(taken)
            return len(taken)

        write_gathered(send, pieces)
        assert bytes(out) == expected, step
