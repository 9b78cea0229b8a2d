"""The real viewer for the Python client's tests: the one built by `dotnet build` (or the command in
$PLOTPIPE_VIEWER), spawned as a user's program would, and read back through its HTTP API with its token."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(CLIENT))
sys.path.insert(0, CLIENT)


def viewer_command() -> list[str]:
    """$PLOTPIPE_VIEWER, else the viewer built in this repository; a missing one fails, naming how to build it."""
    given = os.environ.get("PLOTPIPE_VIEWER")
    if given:
        return shlex.split(given)
    candidates = [os.path.join(REPO, "src", "PlotPipe.Viewer", "bin", configuration, "net10.0", "PlotPipe.Viewer.dll")
                  for configuration in ("Debug", "Release")]
    built = [c for c in candidates if os.path.exists(c)]
    if not built:
        pytest.fail("no viewer to test against: run `dotnet build src/PlotPipe.Viewer` (./test.sh does) or set "
                    "PLOTPIPE_VIEWER to the command that runs one")
    return ["dotnet", max(built, key=os.path.getmtime)]


@pytest.fixture(autouse=True)
def _viewer_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLOTPIPE_VIEWER", shlex.join(viewer_command()))
    monkeypatch.delenv("PLOTPIPE_TOKEN", raising=False)


class Api:
    """A viewer's HTTP API, authorised with the token of its page's address."""

    def __init__(self, url: str):
        parts = urllib.parse.urlparse(url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]

    def get(self, path: str) -> Any:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def status(self) -> dict[str, Any]:
        return self.get("/api/status")

    def series(self) -> list[dict[str, Any]]:
        return self.get("/api/series")

    def wait_for(self, condition: Callable[[], bool], seconds: float = 30.0, what: str = "the viewer's state") -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never came within {seconds:g} s; status {self.status()}")
            time.sleep(0.02)


class Listening:
    """A viewer started with --listen: its page's address, its producers' address and its token."""

    def __init__(self, process: subprocess.Popen[str], page: str, producers: str):
        self.process = process
        self.page = page
        self.producers = producers
        self.api = Api(page)
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)


def start_listening(listen: str = "127.0.0.1:0", token: str | None = None) -> Listening:
    """Starts a viewer listening for producers on ``listen`` and waits for it to print both addresses."""
    command = viewer_command() + ["--listen", listen, "--no-browser", "--linger", "120"]
    if token is not None:
        command += ["--token", token]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    page = None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if line.startswith("PlotPipe viewer: "):
            page = line.split(": ", 1)[1].strip()
        elif line.startswith("PlotPipe producers: ") and page is not None:
            return Listening(process, page, line.split(": ", 1)[1].strip())
        if time.monotonic() > deadline:
            break
    process.kill()
    raise AssertionError(f"the viewer {command} never printed its addresses")


@pytest.fixture
def listening() -> Iterator[Listening]:
    viewer = start_listening()
    yield viewer
    viewer.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def repo_version() -> str:
    """The repository's version, as Directory.Build.props gives it to every .NET project."""
    with open(os.path.join(REPO, "Directory.Build.props"), encoding="utf-8") as f:
        text = f.read()
    return text.split("<Version>", 1)[1].split("</Version>", 1)[0].strip()
