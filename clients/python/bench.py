"""Throughput of the Python client against a real viewer, beside a raw write of the same bytes.

    PLOTPIPE_VIEWER="dotnet ../../src/PlotPipe.Viewer/bin/Release/net10.0/PlotPipe.Viewer.dll" \\
        python3 bench.py [--points 1000000] [--series 3] [--runs 5]

Each run measures, in turns so that a busy machine weighs on all of them alike:
- raw write into a viewer: the same Points frames, encoded beforehand, written by this process straight into a
  viewer's standard input in 1 MiB blocks, from the first byte until the viewer's /api/status holds every point
  (the ceiling for any client of this viewer);
- add_many into a viewer (when_full="block"): numpy float64 columns (array('d') without numpy), from the first call
  until the viewer holds every point;
- add one by one into a viewer (when_full="block"): the loop's time per call, and until the viewer holds them;
- the client alone: the same calls into `cat > /dev/null`, and the raw bytes into `cat` as its baseline.
Prints each run, then the median of the runs and each figure's ratio to the raw write beside it.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from typing import Any, Callable

import plotpipe
from plotpipe._transport import ViewerProcess, viewer_command

try:
    import numpy as np
except ImportError:  # the client works without numpy; so does its bench
    np = None


def held(url: str) -> int:
    parts = urllib.parse.urlparse(url)
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}/api/status", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["points"]


def until_held(url: str, points: int, started: float) -> float:
    deadline = time.perf_counter() + 300
    while held(url) < points:
        if time.perf_counter() > deadline:
            raise SystemExit(f"the viewer never held {points} points")
        time.sleep(0.002)
    return time.perf_counter() - started


def frames(series: int, points: int) -> bytes:
    """The stream a client sends for these points: handshake, Hello, definitions, Points frames of 8,192, Finish."""
    out = bytearray(plotpipe.encode_handshake(2) + plotpipe.encode_hello("raw", ""))
    xs = array.array("d", range(points))
    for s in range(series):
        out += plotpipe.encode_define_series(s, plotpipe.LINE, f"s{s}", "-")
        for at in range(0, points, 8192):
            out += plotpipe.encode_points(s, xs[at:at + 8192], xs[at:at + 8192])
    return bytes(out + plotpipe.encode_finish())


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:1 << 20]):]


def raw_into_viewer(series: int, points: int, data: bytes) -> float:
    viewer = ViewerProcess(viewer_command(None) + ["--stdin", "--port", "0", "--no-browser"])
    try:
        url = viewer.wait_for_url(60)
        started = time.perf_counter()
        write_all(viewer.stdin.fileno(), data)
        viewer.stdin.close()
        return until_held(url, series * points, started)
    finally:
        viewer.kill()


def raw_into_cat(data: bytes) -> float:
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, bufsize=0)
    assert cat.stdin is not None
    started = time.perf_counter()
    write_all(cat.stdin.fileno(), data)
    cat.stdin.close()
    cat.wait()
    return time.perf_counter() - started


def into_viewer(series: int, points: int, fill: Callable[[list[plotpipe.Series], int], float]) -> tuple[float, float]:
    """(seconds until the viewer held every point, seconds in the adding calls)."""
    plot = plotpipe.spawn(open_browser=False, when_full="block")
    try:
        assert plot.url is not None
        lines = [plot.line(f"s{i}") for i in range(series)]
        started = time.perf_counter()
        adding = fill(lines, points)
        if not plot.finish(timeout=300):
            raise SystemExit("finish() said not every point arrived")
        return until_held(plot.url, series * points, started), adding
    finally:
        plot.close_viewer()


def into_cat(series: int, points: int, fill: Callable[[list[plotpipe.Series], int], float]) -> float:
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, bufsize=0)
    assert cat.stdin is not None
    plot = plotpipe.to_stream(cat.stdin, when_full="block")
    lines = [plot.line(f"s{i}") for i in range(series)]
    started = time.perf_counter()
    fill(lines, points)
    plot.finish(timeout=300)
    cat.wait()
    return time.perf_counter() - started


def one_by_one(lines: list[plotpipe.Series], points: int) -> float:
    started = time.perf_counter()
    for s in lines:
        add = s.add
        for i in range(points):
            add(i, i)
    return time.perf_counter() - started


def columns(lines: list[plotpipe.Series], points: int) -> float:
    xs: Any = np.arange(points, dtype=np.float64) if np is not None else array.array("d", range(points))
    started = time.perf_counter()
    for s in lines:
        s.add_many(xs, xs)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per series")
    parser.add_argument("--series", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    total = args.series * args.points
    data = frames(args.series, args.points)
    columns_kind = "numpy float64" if np is not None else "array('d')"
    print(f"{total:,} points ({args.series} series x {args.points:,}), {len(data) / 1e6:.1f} MB of frames, "
          f"{args.runs} runs, add_many of {columns_kind}")
    figures: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> float:
        figures.setdefault(name, []).append(value)
        return value

    for run in range(1, args.runs + 1):
        raw_viewer = keep("raw write into a viewer, M points/s", total / raw_into_viewer(args.series, args.points, data) / 1e6)
        held_many, _ = into_viewer(args.series, args.points, columns)
        many = keep("add_many into a viewer (block), M points/s", total / held_many / 1e6)
        held_one, adding = into_viewer(args.series, args.points, one_by_one)
        one = keep("add one by one into a viewer (block), M points/s", total / held_one / 1e6)
        per_add = keep("add one by one, µs a call", adding / total * 1e6)
        raw_cat = keep("raw write into cat, M points/s", total / raw_into_cat(data) / 1e6)
        many_cat = keep("add_many into cat, M points/s", total / into_cat(args.series, args.points, columns) / 1e6)
        print(f"run {run}: raw into viewer {raw_viewer:6.2f}  add_many {many:6.2f}  add {one:5.2f} M points/s "
              f"({per_add:.3f} µs a call)  |  raw into cat {raw_cat:7.1f}  add_many into cat {many_cat:6.2f} M points/s",
              flush=True)

    print(f"\nmedian of {args.runs} runs:")
    medians = {name: statistics.median(values) for name, values in figures.items()}
    raw_viewer = medians["raw write into a viewer, M points/s"]
    raw_cat = medians["raw write into cat, M points/s"]
    for name, value in medians.items():
        beside = ""
        if name.startswith(("add_many into a viewer", "add one by one into a viewer")):
            beside = f"  ({value / raw_viewer:.0%} of the raw write into a viewer)"
        elif name == "add_many into cat, M points/s":
            beside = f"  ({value / raw_cat:.0%} of the raw write into cat)"
        print(f"  {name:<48} {value:9.3f}{beside}  [{min(figures[name]):.3f} to {max(figures[name]):.3f}]")


if __name__ == "__main__":
    main()
