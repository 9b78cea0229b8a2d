"""matplotlib's multiprocess example on PlotPipe: this process makes random points, a spawned viewer process plots them.

The original starts a plotter process and sends it (x, y) pairs through a pipe, then None to say it is done.
Here the viewer is that process: plot.scatter is the plotter's "ro" line, add sends a pair, finish is the None.

    python3 multiprocess.py                      # opens the live page in a browser
    python3 multiprocess.py --no-browser --png dots.png --interval 0
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import plotpipe  # noqa: E402  (the client is one file beside this folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10, help="how many random points to send")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between points")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser at the page")
    parser.add_argument("--png", help="have the viewer save the final picture there, then wait for it to exit")
    args = parser.parse_args()

    # Fixing random state for reproducibility, as the original does.
    random.seed(19680801)
    plot = plotpipe.spawn(open_browser=not args.no_browser, save_png=args.png, exit_on_finish=args.png is not None)
    print(f"PlotPipe viewer: {plot.url}", flush=True)
    with plot:
        dots = plot.scatter("samples", "ro")
        for _ in range(args.points):
            dots.add(random.random(), random.random())
            time.sleep(args.interval)
    # Leaving the block sent the example's None: the viewer marks the stream finished and keeps the picture up.
    if args.png is not None:
        code = plot.wait_for_viewer_exit(60)
        if code != 0:
            sys.exit(f"the viewer did not save {args.png} (exit code {code})")


if __name__ == "__main__":
    main()
