"""The client against the real viewer: spawned or listening, read back through its HTTP API."""

from __future__ import annotations

import datetime
import logging
import pathlib
import socketserver
import struct
import threading
import time
import zlib
from typing import Any

import numpy as np
import pandas as pd
import pytest

import plotpipe
from conftest import Api, free_port, start_listening

WRONG_TOKEN = "not-the-viewers-token-0123456789"


def test_a_wrong_token_is_known_within_a_second_and_finish_returns_false_quoting_the_viewer(listening):
    plot = plotpipe.connect(listening.producers, token=WRONG_TOKEN, name="wrong")
    connected = time.monotonic()
    while plot.viewer_connected:
        assert time.monotonic() - connected < 1.0, "the refusal was not known within 1 s"
        time.sleep(0.005)
    s = plot.line("s")
    s.add(1, 1)  # never raises: counted
    assert plot.finish(5) is False
    assert plot.viewer_lost_reason == "plotpipe: refused: wrong token"
    assert s.dropped == 1
    listening.api.wait_for(lambda: listening.api.status()["refusedProducers"] >= 1, what="the refusal's count")


def test_a_missing_token_is_refused_in_the_viewers_words(listening):
    plot = plotpipe.connect(listening.producers)
    deadline = time.monotonic() + 5
    while plot.viewer_lost_reason is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert plot.viewer_lost_reason == "plotpipe: refused: missing token"
    assert plot.finish(1) is False


def test_connecting_to_the_viewers_page_port_loses_the_plot_at_once_naming_the_producers_address(listening, caplog):
    # The page's port is printed on the line above the producers': the address a user copies by mistake.
    page_port = listening.api.base.rsplit(":", 1)[1]
    plot = plotpipe.connect(f"tcp://127.0.0.1:{page_port}", token=listening.api.token, name="wrong port")
    s = plot.line("loss")
    deadline = time.monotonic() + 10
    i = 0
    while plot.viewer_connected or plot.viewer_lost_reason is None:
        assert time.monotonic() < deadline, f"the plot never learnt it spoke to a web server; log: {caplog.text[:500]}"
        s.add(i, i)
        i += 1
        time.sleep(0.001)
    reason = plot.viewer_lost_reason
    assert 'answered "HTTP/1.1 400' in reason and "PlotPipe producers: tcp://" in reason, reason
    # Final, as a refusal is: no reconnecting while the answer could only be the same.
    assert "reconnecting" not in caplog.text
    assert plot.finish(1) is False


def test_add_many_of_ten_million_numpy_points_into_an_idle_viewer_stores_them_all_under_the_default_options():
    with plotpipe.spawn(open_browser=False) as plot:
        api = Api(plot.url)
        s = plot.line("burst")
        xs = np.arange(10_000_000, dtype=np.float64)
        s.add_many(xs, xs)
        assert s.dropped == 0
        assert plot.finish(60) is True
        api.wait_for(lambda: api.status()["state"] == "finished", 60)
        status = api.status()
        assert (status["points"], status["dropped"], status["outOfOrder"]) == (10_000_000, 0, 0)
        plot.close_viewer()


def test_datetime64_of_any_unit_and_pandas_times_on_x_mark_each_series_as_time():
    start = np.datetime64("2025-06-01T12:00:00", "s")
    with plotpipe.spawn(open_browser=False, when_full="block") as plot:
        api = Api(plot.url)
        for unit in ("D", "h", "s", "ms", "us", "ns"):
            xs = (start + np.arange(100)).astype(f"datetime64[{unit}]")
            plot.line(f"datetime64[{unit}]").add_many(xs, np.arange(100, dtype=np.int32))
        idx = pd.date_range("2025-06-01", periods=100, freq="min", tz="Europe/Berlin")
        plot.line("DatetimeIndex").add_many(idx, pd.Series(np.arange(100.0)))
        plot.line("Series of times").add_many(pd.Series(idx), np.arange(100, dtype=np.float32))
        one = plot.scatter("one by one")
        for i in range(100):
            one.add(pd.Timestamp("2025-06-01") + pd.Timedelta(seconds=i), np.int64(i))
        numbers = plot.line("numbers")
        numbers.add_many(np.arange(100, dtype=np.uint16), pd.Series(range(100), dtype="Int64"))
        assert plot.finish(30) is True
        api.wait_for(lambda: api.status()["state"] == "finished")
        series = {s["name"]: s for s in api.series()}
        assert {name: (s["xIsTime"], s["count"]) for name, s in series.items()} == {
            "datetime64[D]": (True, 100), "datetime64[h]": (True, 100), "datetime64[s]": (True, 100),
            "datetime64[ms]": (True, 100), "datetime64[us]": (True, 100), "datetime64[ns]": (True, 100),
            "DatetimeIndex": (True, 100), "Series of times": (True, 100), "one by one": (True, 100),
            "numbers": (False, 100)}
        plot.close_viewer()


def test_dataframe_with_a_datetime_index_plots_every_numeric_column_against_time():
    index = pd.date_range("2025-06-01", periods=500, freq="s")
    df = pd.DataFrame({"temperature": np.linspace(20, 25, 500), "pressure": np.arange(500, dtype=np.int64),
                       "site": ["a"] * 500, "ok": [True] * 500}, index=index)
    with plotpipe.spawn(open_browser=False, when_full="block") as plot:
        api = Api(plot.url)
        made = plot.dataframe(df, panel="Sensors")
        assert list(made) == ["temperature", "pressure"]
        # More rows of the same columns go to the same series.
        plot.dataframe(df.set_index(df.index + pd.Timedelta(minutes=10)), panel="Sensors")
        assert plot.finish(30) is True
        api.wait_for(lambda: api.status()["state"] == "finished")
        series = api.series()
        assert [(s["name"], s["xIsTime"], s["count"], s["panel"]) for s in series] == [
            ("temperature", True, 1000, 1), ("pressure", True, 1000, 1)]
        panels = api.get("/api/plot")["panels"]
        assert [p["title"] for p in panels][1:] == ["Sensors"]
        plot.close_viewer()


def test_connect_called_before_the_viewer_listens_waits_for_it_and_takes_the_token_from_PLOTPIPE_TOKEN(monkeypatch):
    token = "token-from-the-environment-0123"
    port = free_port()
    monkeypatch.setenv("PLOTPIPE_TOKEN", token)
    started: list[object] = []

    def start_later() -> None:
        time.sleep(1.5)  # the scenario itself: a producer that starts before its viewer
        started.append(start_listening(f"127.0.0.1:{port}", token=token))

    threading.Thread(target=start_later, daemon=True).start()
    plot = plotpipe.connect(f"tcp://127.0.0.1:{port}", name="early", timeout=60)
    try:
        assert plot.viewer_connected
        plot.line("s").add_many(range(1000), range(1000))
        assert plot.finish(30) is True
        viewer = started[0]
        viewer.api.wait_for(lambda: viewer.api.status()["points"] == 1000)
        assert [p["name"] for p in viewer.api.get("/api/producers")] == ["early"]
    finally:
        for viewer in started:
            viewer.stop()


def test_connect_to_nothing_raises_OSError_naming_the_address_once_its_timeout_has_passed():
    port = free_port()
    started = time.monotonic()
    with pytest.raises(OSError, match=f"tcp://127.0.0.1:{port}"):
        plotpipe.connect(f"tcp://127.0.0.1:{port}", timeout=0.5)
    assert time.monotonic() - started >= 0.4


def test_a_dropped_connection_is_made_again_with_every_definition_and_later_points_arrive():
    token = "reconnect-token-0123456789abcdef"
    port = free_port()
    first = start_listening(f"127.0.0.1:{port}", token=token)
    plot = plotpipe.connect(f"tcp://127.0.0.1:{port}", token=token, name="steady", title="Run",
                            when_full="block")
    try:
        loss = plot.panel("Loss", yscale="log").line("loss", "b-")
        loss.add_many(range(100), range(1, 101))
        first.api.wait_for(lambda: first.api.status()["points"] == 100)
        first.stop()
        deadline = time.monotonic() + 10
        while plot.viewer_connected:
            assert time.monotonic() < deadline, "the dropped connection was never noticed"
            time.sleep(0.01)
        second = start_listening(f"127.0.0.1:{port}", token=token)
        try:
            loss.add_many(range(100, 200), range(101, 201))
            # Points went out on the connection that dropped: finish cannot vouch for them.
            assert plot.finish(30) is False
            second.api.wait_for(lambda: second.api.status()["points"] == 100)
            series = second.api.series()
            assert [(s["name"], s["format"], s["panel"], s["count"]) for s in series] == [("loss", "b-", 1, 100)]
            described = second.api.get("/api/plot")
            assert described["title"] == "Run"
            assert [p["title"] for p in described["panels"]][1:] == ["Loss"]
            assert plot.viewer_lost_reason is None
        finally:
            second.stop()
    finally:
        plot.close(0)


class DeadEndTunnel(socketserver.ThreadingTCPServer):
    """A listener on 127.0.0.1 that accepts every connection and closes it without reading a byte, ``hold`` seconds
    later, as ``ssh -L`` does when the viewer at its far end is down: it accepts locally, then closes once its own
    connection to the far end failed. Counts the connections it took."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, hold: float):
        self.hold = hold
        self.accepted = 0
        super().__init__(("127.0.0.1", port), DeadEndHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class DeadEndHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: DeadEndTunnel = self.server  # type: ignore[assignment]
        server.accepted += 1
        if server.hold:
            time.sleep(server.hold)  # the far end's round trip and refusal


def most_tries_within(elapsed: float) -> int:
    """The most connection tries the backoff allows within ``elapsed`` seconds: the first at once, each later one after
    the wait before it at its shortest (100 ms doubling to 5 s, less a quarter for jitter)."""
    tries, wait = 1, 0.1
    at = wait * 0.75
    while at <= elapsed:
        tries += 1
        wait = min(wait * 2, 5.0)
        at += wait * 0.75
    return tries


@pytest.mark.parametrize("hold", [0.0, 0.02])
def test_a_tunnel_whose_far_viewer_is_down_is_reconnected_to_on_the_backoff_schedule_and_the_viewer_gets_the_stream_once_it_listens(
        hold: float, caplog: pytest.LogCaptureFixture):
    token = "tunnel-token-0123456789abcdef01"
    port = free_port()
    tunnel = DeadEndTunnel(port, hold)
    caplog.set_level(logging.DEBUG, logger="plotpipe")
    started = time.monotonic()
    plot = plotpipe.connect(f"tcp://127.0.0.1:{port}", token=token, name="tunnelled")
    try:
        loss = plot.line("loss")
        x = 0
        # The program's loop goes on adding all along, and add never raises into it.
        while time.monotonic() - started < 2.0:
            for _ in range(10):
                loss.add(x, x)
                x += 1
            time.sleep(0.001)
        knocks = tunnel.accepted
        elapsed = time.monotonic() - started
        tunnel.stop()

        # Knocking again as fast as the loop runs would make dozens or hundreds of connections here.
        assert 2 <= knocks <= most_tries_within(elapsed), (knocks, elapsed)
        assert plot.viewer_lost_reason is None
        # One warning for the whole run, not one a knock.
        ended = [r for r in caplog.records if "before a viewer took the stream" in r.getMessage()]
        assert [r.levelno for r in ended] == [logging.WARNING] + [logging.DEBUG] * (len(ended) - 1)
        assert "dropped; reconnecting" not in caplog.text

        viewer = start_listening(f"127.0.0.1:{port}", token=token)
        try:
            # The next knock, one backoff step away at most, reaches the viewer, which takes the stream.
            viewer.api.wait_for(lambda: [p["name"] for p in viewer.api.get("/api/producers")] == ["tunnelled"],
                                what="the producer to reach the viewer")
            loss.add_many(range(x, x + 1000), range(x, x + 1000))
            plot.finish(30)
            viewer.api.wait_for(lambda: viewer.api.status()["state"] == "finished", what="the finish")
            assert viewer.api.status()["refusedProducers"] == 0
            assert viewer.api.series()[0]["count"] >= 1000
            assert plot.viewer_lost_reason is None
            assert any(r.levelno == logging.INFO and r.getMessage() == f"PlotPipe: reconnected to the viewer at tcp://127.0.0.1:{port}"
                       for r in caplog.records)
        finally:
            viewer.stop()
    finally:
        plot.close(0)


def test_a_killed_viewer_makes_finish_return_false_and_the_loop_never_raises():
    plot = plotpipe.spawn(open_browser=False)
    s = plot.line("s")
    s.add_many(range(1000), range(1000))
    plot.close_viewer()
    plot.wait_for_viewer_exit(30)
    i = 0
    deadline = time.monotonic() + 10
    while plot.viewer_connected:  # the writer finds the loss at its next write
        assert time.monotonic() < deadline, "the killed viewer was never noticed"
        s.add(i, i)
        i += 1
        time.sleep(0.001)
    before = s.dropped
    for i in range(10_000):
        s.add(i, i)
    assert s.dropped - before == 10_000
    assert plot.finish(5) is False


def test_a_viewer_that_refuses_the_stream_is_quoted_in_its_own_words(monkeypatch):
    # A handshake of a version the viewer does not speak: it names byte 4 on its standard error and stops reading.
    monkeypatch.setattr(plotpipe, "encode_handshake", lambda version=2: b"PLTP\x63\x00\x00\x00")
    plot = plotpipe.spawn(open_browser=False)
    try:
        s = plot.line("s")
        deadline = time.monotonic() + 10
        while plot.viewer_lost_reason is None and time.monotonic() < deadline:
            s.add(1, 1)
            time.sleep(0.001)
        assert plot.viewer_lost_reason is not None
        assert plot.viewer_lost_reason.startswith("plotpipe: bad input at byte 4: unsupported protocol version 99")
        assert plot.finish(1) is False
    finally:
        plot.close_viewer()


def test_matplotlib_keywords_and_format_strings_reach_the_viewer_as_formats():
    with plotpipe.spawn(open_browser=False) as plot:
        api = Api(plot.url)
        plot.line(label="loss", color="blue", linestyle="dashed").add(0, 1)
        plot.scatter("samples", "ro", marker="x").add(0, 1)
        plot.line("val", "g", linestyle="-.", marker="o").add(0, 1)
        assert plot.finish(10) is True
        api.wait_for(lambda: api.status()["state"] == "finished")
        assert [(s["name"], s["format"]) for s in api.series()] == [("loss", "b--"), ("samples", "rx"), ("val", "go-.")]
        plot.close_viewer()


def test_a_notebook_shows_the_plot_as_an_iframe_of_its_tokened_page():
    plot = plotpipe.spawn(open_browser=False, title="Notebook <run>")
    try:
        shown = plot._repr_html_()
        assert shown.startswith("<iframe ")
        assert f'src="{plot.url}"' in shown
        assert "token=" in shown
        assert 'width="100%"' in shown and 'height="480"' in shown
        assert "Notebook &lt;run&gt;" in shown
    finally:
        plot.close_viewer()


def test_the_notebook_example_is_nbformat_4_and_its_cells_run_against_the_viewer(monkeypatch):
    import json
    import os
    from conftest import CLIENT
    with open(os.path.join(CLIENT, "examples", "notebook.ipynb"), encoding="utf-8") as f:
        notebook = json.load(f)
    assert (notebook["nbformat"], notebook["nbformat_minor"]) == (4, 5)
    for cell in notebook["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and isinstance(cell["id"], str)
        assert isinstance(cell["source"], list) and isinstance(cell["metadata"], dict)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    monkeypatch.setenv("BROWSER", "true")  # plot.show() runs `true URL` instead of opening a browser
    namespace: dict[str, object] = {}
    try:
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), namespace)
        plot = namespace["plot"]
        assert isinstance(plot, plotpipe.Plot)
        assert plot._repr_html_().startswith("<iframe ")
        api = Api(plot.url)
        api.wait_for(lambda: api.status()["state"] == "finished")
        assert (api.status()["points"], plot.dropped) == (1000 + 2 * 3600, 0)
    finally:
        if isinstance(namespace.get("plot"), plotpipe.Plot):
            namespace["plot"].close_viewer()


def test_while_the_connection_is_down_drop_never_waits_and_the_next_viewer_is_told_the_drops():
    token = "outage-token-0123456789abcdef01"
    port = free_port()
    first = start_listening(f"127.0.0.1:{port}", token=token)
    plot = plotpipe.connect(f"tcp://127.0.0.1:{port}", token=token, buffer_points=1000, max_buffer_bytes=16_000)
    try:
        s = plot.line("s")
        s.add(0, 0)
        first.api.wait_for(lambda: first.api.status()["points"] == 1)
        first.stop()
        deadline = time.monotonic() + 10
        while plot.viewer_connected:
            assert time.monotonic() < deadline, "the dropped connection was never noticed"
            time.sleep(0.01)
        started = time.monotonic()
        for i in range(1, 5001):
            s.add(i, i)  # 1,000 fit in the buffer; the rest are dropped, never waited for
        assert time.monotonic() - started < 5
        assert s.dropped == 4000
        second = start_listening(f"127.0.0.1:{port}", token=token)
        try:
            second.api.wait_for(lambda: second.api.status()["points"] == 1000 and second.api.status()["dropped"] == 4000,
                                what="the buffered points and the drop count on the new connection")
            assert plot.finish(30) is False  # 4,000 points never arrived
        finally:
            second.stop()
    finally:
        plot.close(0)


def test_mark_and_span_reach_a_spawned_viewers_events_with_their_kind_x_and_text():
    opened = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
    with plotpipe.spawn(open_browser=False, name="trainer") as plot:
        api = Api(plot.url)
        loss = plot.line("loss")
        for step in range(10):
            loss.add(step, 1 / (step + 1))
        plot.mark(3, "learning rate dropped")
        plot.span(5, 8, "evaluation ✓")
        plot.mark(opened, "valve opened")
        plot.span(np.datetime64("2026-03-01T13:00:00"), pd.Timestamp("2026-03-01T14:00:00"), "flush")
        assert plot.finish(30) is True
        api.wait_for(lambda: api.status()["state"] == "finished")
        events = api.get("/api/events")
        seconds = opened.timestamp()
        assert [(e["seq"], e["kind"], e["x"], e["x2"], e["xKind"], e["text"], e["producer"]) for e in events] == [
            (1, "mark", 3, None, "plain", "learning rate dropped", "trainer"),
            (2, "span", 5, 8, "plain", "evaluation ✓", "trainer"),
            (3, "mark", seconds, None, "time", "valve opened", "trainer"),
            (4, "span", seconds + 3600, seconds + 7200, "time", "flush", "trainer"),
        ]
        assert [e["seq"] for e in api.get("/api/events?since=3")] == [4]
        assert plot.dropped_events == 0
        plot.close_viewer()


def test_markers_from_a_connected_producer_reach_the_listening_viewer(listening):
    with plotpipe.connect(listening.producers, token=listening.api.token, name="rig") as plot:
        plot.line("temp").add(1, 21.5)
        plot.mark(1, "valve opened")
    listening.api.wait_for(lambda: len(listening.api.get("/api/events")) == 1, what="the marker")
    event = listening.api.get("/api/events")[0]
    assert (event["kind"], event["x"], event["text"], event["producer"]) == ("mark", 1, "valve opened", "rig")


def test_alerts_and_derived_series_given_to_spawn_reach_the_viewer_and_a_firing_is_in_its_events():
    with plotpipe.spawn(open_browser=False, name="trainer", alerts=["loss > 10", "loss is nan"],
                        derive=["loss_ema = ema(loss, 0.9)"]) as plot:
        api = Api(plot.url)
        loss = plot.line("loss")
        for step in range(100):
            loss.add(step, 50.0 if step == 70 else float("nan") if step == 90 else 1 / (step + 1))
        assert plot.finish(30) is True
        api.wait_for(lambda: api.status()["state"] == "finished")
        api.wait_for(lambda: len(api.get("/api/events")) == 2, what="the two firings")
        events = api.get("/api/events")
        assert [(e["kind"], e["x"], e["producer"]) for e in events] == [("alert", 70, "trainer"), ("alert", 90, "trainer")]
        assert events[0]["text"] == "alert: loss > 10 (loss = 50 at x = 70)"
        assert api.status()["alerts"]["rules"] == ["loss > 10", "loss is nan"]
        derived = [s for s in api.get("/api/series") if s["name"] == "loss_ema"]
        assert len(derived) == 1 and derived[0]["derived"] is True
        api.wait_for(lambda: [s["count"] for s in api.get("/api/series") if s["name"] == "loss_ema"] == [100],
                     what="every point of loss smoothed")
        plot.close_viewer()


def test_exit_on_alert_stops_the_spawned_viewer_with_code_3_after_saving_its_picture(tmp_path: pathlib.Path):
    png = tmp_path / "failed.png"
    plot = plotpipe.spawn(open_browser=False, alerts=["loss is nan"], exit_on_alert=True, save_png=png)
    try:
        loss = plot.line("loss")
        # The stream is never finished: only the alert can end the viewer.
        for step in range(100):
            loss.add(step, float("nan") if step == 60 else 1 / (step + 1))
        assert plot.wait_for_viewer_exit(60) == plotpipe.ALERT_EXIT_CODE == 3
        assert png.stat().st_size > 0
        loss.add(100, 1.0)  # the viewer is gone: still never raises
    finally:
        plot.close_viewer()
        plot.close(1)


def test_a_picture_asked_for_in_the_dark_theme_has_the_dark_page_s_background(tmp_path: pathlib.Path):
    png = tmp_path / "dark.png"
    with plotpipe.spawn(open_browser=False, save_png=png, picture_theme="dark", exit_on_finish=True) as plot:
        loss = plot.line("loss")
        for step in range(100):
            loss.add(step, 1 / (step + 1))
    assert plot.wait_for_viewer_exit(60) == 0
    assert _first_pixel(png.read_bytes()) == (0x0D, 0x11, 0x17)  # the dark page's background, where light is white


def _first_pixel(png: bytes) -> tuple[int, int, int]:
    # The top-left pixel of an 8-bit RGB or RGBA PNG, after its row's filter byte: every filter leaves the first pixel
    # of the first row as it is (what it adds comes from pixels left of it and above, which are zero there).
    at, data, channels = 8, b"", 3
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunk = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            channels = {2: 3, 6: 4}[chunk[9]]
        elif kind == b"IDAT":
            data += chunk
        at += 12 + length
    row = zlib.decompress(data)
    return row[1], row[2], row[3]


@pytest.mark.parametrize(("options", "error", "words"), [
    ({"alerts": "loss > 10"}, TypeError, "alerts must be a list of rules"),
    ({"alerts": ["loss > 10", " "]}, ValueError, "alerts holds ' '"),
    ({"derive": ["loss_ema = ema(loss, 0.9)", 3]}, ValueError, "derive holds 3"),
    ({"exit_on_alert": True}, ValueError, "exit_on_alert needs a rule"),
    ({"picture_theme": "blue", "save_png": "x.png"}, ValueError, "picture_theme 'blue' is not a theme"),
    ({"picture_theme": "dark"}, ValueError, "picture_theme 'dark' is the theme of the picture save_png saves"),
])
def test_spawn_names_a_bad_alert_or_derive_option_before_starting_a_viewer(options: dict[str, Any], error: type[Exception],
                                                                           words: str):
    with pytest.raises(error, match=words):
        plotpipe.spawn(open_browser=False, viewer=["/nonexistent/viewer"], **options)


def test_a_rule_the_viewer_cannot_read_stops_spawn_naming_the_rule():
    with pytest.raises(RuntimeError, match='train loss > 10'):
        plotpipe.spawn(open_browser=False, alerts=["train loss > 10"])
