"""Throughput of the Python client against a real viewer, beside the raw pipe it writes into.

    PLOTPIPE_VIEWER="plotpipe view" python3 bench.py [--points 1000000] [--series 3]

Prints, for each way of adding points, points per second from the first add until the viewer's /api/status holds
them all; the client alone, writing the same frames into `cat > /dev/null`; and as the baseline the same number of
bytes written by this process into `cat > /dev/null` in 1 MiB blocks.
"""

import argparse
import array
import json
import os
import subprocess
import time
import urllib.parse
import urllib.request

import plotpipe


def held(url: str) -> int:
    parts = urllib.parse.urlparse(url)
    token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}/api/status", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["points"]


def until_held(url: str, points: int, started: float) -> float:
    deadline = time.perf_counter() + 120
    while held(url) < points:
        if time.perf_counter() > deadline:
            raise SystemExit(f"the viewer never held {points} points")
        time.sleep(0.005)
    return time.perf_counter() - started


def run(label: str, series: int, points: int, fill) -> None:
    plot = plotpipe.spawn(open_browser=False, when_full="block")
    try:
        lines = [plot.line(f"s{i}") for i in range(series)]
        started = time.perf_counter()
        fill(lines, points)
        added = time.perf_counter() - started
        plot.finish(timeout=120)
        seconds = until_held(plot.url, series * points, started)
        total = series * points
        print(f"{label:<28} {total:>11,} points  added in {added:6.3f} s  held in {seconds:6.3f} s  "
              f"{total / seconds / 1e6:7.2f} M points/s")
    finally:
        plot.close_viewer()


def run_discarded(label: str, series: int, points: int, fill) -> None:
    # The client alone: the same frames into `cat > /dev/null` instead of a viewer.
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, bufsize=0)
    plot = plotpipe.to_stream(cat.stdin, when_full="block")
    lines = [plot.line(f"s{i}") for i in range(series)]
    started = time.perf_counter()
    fill(lines, points)
    plot.finish(timeout=120)
    cat.wait()
    seconds = time.perf_counter() - started
    total = series * points
    print(f"{label:<28} {total:>11,} points  into cat in {seconds:6.3f} s  {total / seconds / 1e6:7.2f} M points/s")


def one_by_one(lines, points):
    for s in lines:
        add = s.add
        for i in range(points):
            add(i, i)


def columns(lines, points):
    xs = array.array("d", range(points))
    for s in lines:
        s.add_many(xs, xs)


def baseline(series: int, points: int) -> None:
    block = bytes(1 << 20)
    total = series * points * 16
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, bufsize=0)
    started = time.perf_counter()
    fd = cat.stdin.fileno()
    left = total
    while left > 0:
        view = memoryview(block)[:min(left, len(block))]
        while view:
            n = os.write(fd, view)
            view = view[n:]
            left -= n
    cat.stdin.close()
    cat.wait()
    seconds = time.perf_counter() - started
    print(f"{'raw pipe into cat (baseline)':<28} {series * points:>11,} points' bytes in {seconds:6.3f} s  "
          f"{series * points / seconds / 1e6:7.2f} M points/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per series")
    parser.add_argument("--series", type=int, default=3)
    args = parser.parse_args()
    baseline(args.series, args.points)
    run_discarded("add_many, no viewer", args.series, args.points, columns)
    run_discarded("add one by one, no viewer", args.series, args.points, one_by_one)
    run("add_many(array('d'))", args.series, args.points, columns)
    run("add(x, y) one by one", args.series, args.points, one_by_one)


if __name__ == "__main__":
    main()
