"""Transports: where the writer's blocks of encoded frames go. A sink takes whole blocks (``write``), is closed once
(``close``), and may say in the viewer's own words why it stopped taking them (``reason``). The TCP link also
reconnects, as the .NET producer's TcpViewer does."""

from __future__ import annotations

import array
import logging
import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import IO, Protocol

from ._wire import ACCEPTANCE_LINE, REFUSAL_PREFIX

_ADDRESS_PREFIX = "PlotPipe viewer: "
# The viewer's lines that say why it stopped taking the stream.
_REASON_PREFIXES = ("plotpipe: bad input", "plotpipe: producer")
# The viewer's lines once it has saved a picture, or given up on one (followed by ": why").
_SAVED_PREFIX = "plotpipe: saved "
_NOT_SAVED_PREFIX = "plotpipe: could not save "
_KEPT_LINES = 8
_FIRST_BACKOFF = 0.1
_MAX_BACKOFF = 5.0
# An older viewer never says it took the stream: a connection to one that lasted this long counts as a live stream all
# the same. As long as the longest wait, so that nothing that accepts and then closes, however slowly, makes the
# producer knock more often than the backoff does.
_LIVE_WITHOUT_ACCEPTANCE = _MAX_BACKOFF
_MAX_REASON_BYTES = 1024
_log = logging.getLogger("plotpipe")


class Sink(Protocol):
    """Where the writer puts its blocks of frames."""

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Writes every byte, or raises OSError (or ValueError for a closed file)."""
        ...

    def close(self) -> None:
        """Ends the stream."""
        ...


# Pieces handed to the system in one gathering write: under every system's IOV_MAX (1,024 on Linux).
_PIECES_PER_WRITE = 512


def write_gathered(send: Callable[[list[memoryview]], int], pieces: list[bytes | array.array[float]]) -> None:
    """Writes ``pieces`` in order with gathering writes (writev, sendmsg): the columns go from their arrays straight
    to the system, never copied into one block first. ``send`` writes some of the views it is given and returns
    how many bytes it took."""
    views = [memoryview(p).cast("B") for p in pieces if len(p)]
    at = 0
    while at < len(views):
        n = send(views[at:at + _PIECES_PER_WRITE])
        while n and at < len(views):
            size = len(views[at])
            if n >= size:
                n -= size
                at += 1
            else:
                views[at] = views[at][n:]
                n = 0


class PipeSink:
    """The spawned viewer's standard input."""

    def __init__(self, pipe: IO[bytes]):
        self._pipe = pipe
        self._fd = pipe.fileno()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def write_pieces(self, pieces: list[bytes | array.array[float]]) -> None:
        """Writes the pieces in order, gathered: one system call for many."""
        fd = self._fd
        write_gathered(lambda views: os.writev(fd, views), pieces)

    def close(self) -> None:
        self._pipe.close()


class StreamSink:
    """Any binary file-like object: a file to replay, a socket's makefile, a pipe started elsewhere."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream

    def write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data)
        while view:
            n = self._stream.write(view)
            # Buffered streams take everything; a raw one may take part, or nothing for now (None) if non-blocking.
            if n is None:  # pyright: ignore[reportUnnecessaryComparison]  (raw non-blocking streams do return None)
                time.sleep(0.001)
                continue
            view = view[n:]
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()


class _Connection:
    """One connection: its socket and what its reader learnt of it. Only that reader ends it, so a reader that finishes
    late cannot take down a connection made after its own."""

    def __init__(self, sock: socket.socket, after_unanswered: bool):
        self.sock = sock
        # Whether the connections just before this one reached no viewer.
        self.after_unanswered = after_unanswered
        self.opened = time.monotonic()
        self.ended: float | None = None
        self.accepted = False
        self.down = False
        self.refusal: str | None = None
        self.said: str | None = None
        self.closed = threading.Event()

    def lifetime(self) -> float:
        """Seconds it has been up, or was up once it ended."""
        return (self.ended if self.ended is not None else time.monotonic()) - self.opened

    def carried_stream(self) -> bool:
        """A viewer took it: it said so, or (an older viewer, which says nothing) it lasted as a live stream does."""
        return self.accepted or self.lifetime() >= _LIVE_WITHOUT_ACCEPTANCE


class TcpLink:
    """A viewer listening for producers: connects with backoff (100 ms doubling to 5 s, with jitter), and reads the
    socket's other direction, where a viewer writes one empty line once it has taken the producer, and otherwise nothing
    unless it refuses the producer or ends its stream (one line, then it closes) or, after the Finish frame, closes to
    say it read everything. The reader calls ``wake`` as soon as a connection is gone, so the writer knows within
    moments, not at its next write. After a connection that carried the stream the next one is tried at once; one that
    ended before a viewer took it (a tunnel whose far end is down accepts, then closes) counts as a failed try, as the
    .NET producer's TcpViewer does. Each connection has a reader of its own, which can end that connection alone."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self.address = f"tcp://{'[' + host + ']' if ':' in host else host}:{port}"
        # Called from the reader's thread once a connection is gone; the plot sets it to wake its writer.
        self.wake: Callable[[], None] = lambda: None
        self._stop = threading.Event()
        self._stopped = False
        self._current: _Connection | None = None
        self._connections = 0
        # The wait before the next try after a failed one (connecting side: the first connect, then the writer alone).
        self._backoff = _FIRST_BACKOFF

    @property
    def down(self) -> bool:
        """True while no connection is up: never made, refused, dropped, or closed by the viewer."""
        current = self._current
        return self._stopped or current is None or current.down

    def connect(self, timeout: float | None) -> None:
        """Connects, retrying with backoff until it succeeds, ``timeout`` seconds pass (then OSError naming the
        address and what the last try met) or ``stop`` is called (then OSError too). After a connection that reached
        no viewer the backoff goes on from where it was, as after a failed try; otherwise the first try is at once."""
        deadline = None if timeout is None else time.monotonic() + timeout
        previous = self._current
        unanswered = previous is not None and not previous.carried_stream()
        if not unanswered:
            self._backoff = _FIRST_BACKOFF
        else:
            self._wait_backoff(deadline)
        while True:
            try:
                left = None if deadline is None else max(0.05, deadline - time.monotonic())
                sock = socket.create_connection((self.host, self.port), timeout=min(left or 10.0, 10.0))
            except OSError as e:
                last = e
            else:
                self._opened(sock, unanswered)
                return
            if self._stop.is_set():
                raise OSError(f"stopped connecting to the viewer at {self.address}")
            if deadline is not None and deadline - time.monotonic() <= 0:
                raise OSError(f"no viewer answered at {self.address} within {timeout:g} s "
                              f"({last.strerror or last}); is it running with --listen?") from None
            self._wait_backoff(deadline)

    def _wait_backoff(self, deadline: float | None) -> None:
        """Waits out the backoff, then doubles it; no later than ``deadline`` (one last try at the deadline itself).
        OSError when ``stop`` is called meanwhile."""
        # Jitter keeps many producers of one restarted viewer from knocking at the same instant.
        pause = self._backoff * (0.75 + 0.5 * random.random())
        self._backoff = min(self._backoff * 2, _MAX_BACKOFF)
        if deadline is not None:
            pause = min(pause, max(0.0, deadline - time.monotonic()))
        if self._stop.wait(pause):
            raise OSError(f"stopped connecting to the viewer at {self.address}")

    def _opened(self, sock: socket.socket, after_unanswered: bool) -> None:
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = _Connection(sock, after_unanswered)
        self._current = connection
        self._connections += 1
        threading.Thread(target=self._read, args=(connection,), name="plotpipe viewer answer", daemon=True).start()

    @property
    def reconnected(self) -> bool:
        """True once a connection after the first was made."""
        return self._connections > 1

    def carried_stream(self) -> bool:
        """Whether the current (or last) connection carried the stream: a viewer took it, so its end was a drop."""
        current = self._current
        return current is not None and current.carried_stream()

    def lifetime(self) -> float:
        """Seconds the current (or last) connection has been, or was, up."""
        current = self._current
        return 0.0 if current is None else current.lifetime()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        connection = self._live()
        try:
            connection.sock.sendall(data)
        except OSError:
            connection.down = True
            raise

    def write_pieces(self, pieces: list[bytes | array.array[float]]) -> None:
        """Writes the pieces in order, gathered: one system call for many."""
        connection = self._live()
        try:
            write_gathered(connection.sock.sendmsg, pieces)
        except OSError:
            connection.down = True
            raise

    def _live(self) -> _Connection:
        connection = self._current
        if connection is None or connection.down or self._stopped:
            raise ConnectionResetError(f"the connection to the viewer at {self.address} is down")
        return connection

    def refusal(self, wait: float) -> str | None:
        """After a connection went down: the viewer's refusal line, waiting up to ``wait`` seconds for it to arrive;
        None when the connection merely dropped."""
        connection = self._current
        if connection is None:
            return None
        connection.closed.wait(wait)
        return connection.refusal

    def reason(self, wait: float) -> str | None:
        """What the viewer said before it closed the connection (a refusal, or an error about the stream)."""
        connection = self._current
        if connection is None:
            return None
        connection.closed.wait(wait)
        return connection.refusal or connection.said

    def wait_closed(self, timeout: float) -> bool:
        """After the Finish frame: waits for the viewer to close the connection, which it does once it has read the
        Finish, so every point before it was read. False when the time ran out."""
        connection = self._current
        return connection is not None and connection.closed.wait(timeout)

    def said(self) -> str | None:
        """The line the viewer sent on the current connection before closing it, if any (its acceptance aside)."""
        connection = self._current
        return None if connection is None else connection.said

    def stop(self) -> None:
        """Gives up: no more reconnecting, and the socket closes, so a writer blocked on it returns."""
        self._stop.set()
        self._stopped = True
        connection = self._current
        if connection is not None:
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        connection = self._current
        if connection is not None:
            try:
                # Our side only: the viewer's close after the Finish frame still arrives for the reader.
                connection.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # The reader closes the socket once the viewer has closed its side (or at once if it was never up).
            if connection.closed.is_set():
                connection.sock.close()

    def drop(self) -> None:
        """Closes the current connection, to make a new one."""
        connection = self._current
        if connection is not None:
            connection.down = True
            try:
                connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _read(self, connection: _Connection) -> None:
        sock = connection.sock
        received = bytearray()
        try:
            while len(received) < _MAX_REASON_BYTES:
                chunk = sock.recv(_MAX_REASON_BYTES - len(received))
                if not chunk:
                    break
                if not received and chunk[:1] == ACCEPTANCE_LINE:
                    # Known as it arrives, so the connection counts as a live stream however soon it ends.
                    connection.accepted = True
                    if connection.after_unanswered and self._current is connection:
                        _log.info("PlotPipe: reconnected to the viewer at %s", self.address)
                received += chunk
        except OSError:
            pass  # gone; what arrived before is kept
        connection.ended = time.monotonic()
        if connection.accepted:
            del received[:1]
        line = received.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
        if line.startswith(REFUSAL_PREFIX):
            connection.refusal = line
        elif line.startswith("HTTP/"):
            # A web server (most often the viewer's own page, whose address is printed beside the producers')
            # answers the handshake with an HTTP error and closes; knocking again would only get the same answer.
            connection.refusal = (f'{self.address} answered "{line}": it is a web server, such as a viewer\'s page, not a '
                                  'viewer taking producers; connect to the address a viewer started with --listen prints '
                                  'as "PlotPipe producers: tcp://HOST:PORT"')
        connection.said = line or None
        connection.down = True
        connection.closed.set()
        if self._current is not connection:
            sock.close()
            return  # a reader of a connection already replaced has nothing to say about the new one
        if self._stop.is_set():
            sock.close()
        self.wake()


class ViewerProcess:
    """The spawned viewer: fed through its standard input; prints its address on standard output. Its standard error
    is passed on line by line to ours, and its last lines are kept to explain a failure in its own words, as the
    .NET producer's ViewerProcess does."""

    def __init__(self, command: list[str], pictures: list[str] | None = None):
        self.command = command
        # The pictures asked for (full paths, as on the command line) and not yet reported saved or failed.
        self._pictures = list(pictures or [])
        self._pictures_failed = False
        self._pictures_settled = threading.Event()
        if not self._pictures:
            self._pictures_settled.set()
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, bufsize=0)
        except OSError as e:
            raise RuntimeError(f"could not start the viewer {shlex.join(command)!r}: {e.strerror or e}") from None
        self.url: str | None = None
        self._address = threading.Event()
        self._errors_closed = threading.Event()
        self._reason_seen = threading.Event()
        self._last: deque[str] = deque(maxlen=_KEPT_LINES)
        self._reason: str | None = None
        self.on_reason: Callable[[], None] | None = None
        threading.Thread(target=self._read_output, name="plotpipe viewer output", daemon=True).start()
        threading.Thread(target=self._read_errors, name="plotpipe viewer errors", daemon=True).start()

    @property
    def stdin(self) -> IO[bytes]:
        """The viewer's standard input, where the stream goes."""
        stdin = self._process.stdin
        assert stdin is not None
        return stdin

    @property
    def pid(self) -> int:
        """The viewer's process id."""
        return self._process.pid

    def wait_for_url(self, timeout: float) -> str:
        """Waits for the viewer to print its page's address; RuntimeError quoting its error output if it does not."""
        if not self._address.wait(timeout):
            self.kill()
            raise RuntimeError(f"the viewer {shlex.join(self.command)!r} did not report its address within {timeout:g} s")
        if self.url is None:
            self._errors_closed.wait(2)
            try:
                code = self._process.wait(2)
                exit = f"exited with code {code}"
            except subprocess.TimeoutExpired:
                self.kill()
                exit = "closed its output"
            said = ("its last error output: " + " | ".join(self._last)) if self._last else "it wrote nothing to standard error"
            raise RuntimeError(f"the viewer {shlex.join(self.command)!r} {exit} before printing its address; {said}")
        return self.url

    def reason(self, wait: float) -> str | None:
        """The viewer's own explanation of why it stopped reading, waiting up to ``wait`` seconds for it."""
        deadline = time.monotonic() + wait
        while not self._reason_seen.is_set() and not self._errors_closed.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._reason_seen.wait(min(left, 0.02)):
                break
        return self._reason

    def wait_for_pictures(self, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until the viewer has said, for every picture asked for, that it saved it or
        could not; or until it has exited, when nothing more will be saved. True unless the time ran out."""
        deadline = time.monotonic() + timeout
        while not self._pictures_settled.is_set() and not self._errors_closed.is_set() and self._process.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._pictures_settled.wait(min(left, 0.05))
        return True

    @property
    def pictures_not_saved(self) -> list[str]:
        """The pictures asked for that the viewer has not reported saving."""
        return list(self._pictures)

    @property
    def pictures_saved(self) -> bool:
        """True when every picture asked for was reported saved."""
        return not self._pictures and not self._pictures_failed

    def kill(self) -> None:
        """Stops the viewer now."""
        try:
            self._process.kill()
        except OSError:
            pass

    def wait(self, timeout: float | None) -> int | None:
        """The viewer's exit code once it exits; None if it still runs after ``timeout`` seconds."""
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _read_output(self) -> None:
        # Read to the end, so the viewer never blocks on a full pipe, whatever else it prints.
        stdout = self._process.stdout
        assert stdout is not None
        try:
            for raw in stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                # Only an address counts: a usage text may quote the prefix too.
                address = line[len(_ADDRESS_PREFIX):].strip() if line.startswith(_ADDRESS_PREFIX) else ""
                if self.url is None and address.startswith(("http://", "https://")):
                    self.url = address
                    self._address.set()
        except (OSError, ValueError):
            pass
        finally:
            self._address.set()

    def _read_errors(self) -> None:
        stderr = self._process.stderr
        assert stderr is not None
        try:
            for raw in stderr:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if sys.stderr is not None:  # pyright: ignore[reportUnnecessaryComparison]  (None under pythonw)
                    try:
                        print(line, file=sys.stderr, flush=True)
                    except (OSError, ValueError):
                        pass
                if line.strip():
                    self._last.append(line)
                if line.startswith(_REASON_PREFIXES):
                    self._reason = line
                    self._reason_seen.set()
                    if self.on_reason is not None:
                        self.on_reason()
                if self._pictures and line.startswith((_SAVED_PREFIX, _NOT_SAVED_PREFIX)):
                    self._picture_settled(line)
        except (OSError, ValueError):
            pass
        finally:
            self._errors_closed.set()

    def _picture_settled(self, line: str) -> None:
        for picture in self._pictures:
            if line == _SAVED_PREFIX + picture or line.startswith(_NOT_SAVED_PREFIX + picture + ":"):
                self._pictures.remove(picture)
                self._pictures_failed |= line.startswith(_NOT_SAVED_PREFIX)
                break
        if not self._pictures:
            self._pictures_settled.set()


def viewer_command(viewer: str | list[str] | None) -> list[str]:
    """The command that runs a viewer: ``viewer``, else $PLOTPIPE_VIEWER, else `plotpipe view` from the PATH."""
    if viewer is None:
        viewer = os.environ.get("PLOTPIPE_VIEWER") or None
    if viewer is None:
        found = shutil.which("plotpipe")
        if found is None:
            raise RuntimeError("no PlotPipe viewer found: install the plotpipe tool (dotnet tool install -g PlotPipe.Tool) "
                               "or set PLOTPIPE_VIEWER to the command that runs one, e.g. \"plotpipe view\"")
        return [found, "view"]
    if isinstance(viewer, str):
        command = shlex.split(viewer, posix=os.name != "nt")
    else:
        command = [os.fspath(part) for part in viewer]
    if not command:
        raise ValueError(f"viewer command {viewer!r} is empty")
    return command
