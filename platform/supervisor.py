"""A small process supervisor for ``make run``: runs every Procfile line and restarts one that dies.

honcho (which ``make run`` used before) stops every process as soon as one exits, so a worker that was
killed took the whole demo down. Here a process that exits is started again after a back-off (1 s, 2 s,
4 s, … up to ``max_delay``), at most ``max_restarts`` times in any minute: a crash loop waits out the
rest of that minute instead of spinning. Ctrl-C or SIGTERM stops every process (its whole process group)
and restarts nothing. Standard library only: this is dev tooling, not part of the site.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
WINDOW_SECONDS = 60.0
STOP_WAIT_SECONDS = 5.0


def procfile_read(path: Path) -> list[tuple[str, str]]:
    """The (name, command) pairs of a Procfile, in order; blank lines and ``#`` comments skipped."""
    entries = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise ValueError(f"{path}: not a Procfile line: {raw!r}")
        entries.append((match.group(1), match.group(2)))
    return entries


def exit_description(returncode: int) -> str:
    """How a process ended; the shell that runs a Procfile line reports its command's death by signal N
    as the exit code 128 + N."""
    if returncode < 0:
        return f"signal {-returncode}"
    if returncode > 128 and returncode - 128 in signal.valid_signals():
        return f"signal {returncode - 128}"
    return f"code {returncode}"


@dataclass
class Child:
    name: str
    command: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    restart_at: float | None = None
    restarts: collections.deque[float] = field(default_factory=collections.deque)


class Supervisor:
    def __init__(
        self,
        entries: list[tuple[str, str]],
        *,
        output: IO[str],
        base_port: int,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        max_restarts: int = 5,
    ) -> None:
        # Each process gets its own $PORT (base, +100, …) as honcho gave it.
        self.children = [
            Child(name, command, base_port + 100 * index) for index, (name, command) in enumerate(entries)
        ]
        self.output = output
        self.first_delay, self.max_delay, self.max_restarts = first_delay, max_delay, max_restarts
        self.width = max([len(child.name) for child in self.children] + [len("system")])
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def say(self, name: str, text: str) -> None:
        with self.lock:
            self.output.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}\n")
            self.output.flush()

    def start(self, child: Child) -> None:
        env = {**os.environ, "PORT": str(child.port), "PYTHONUNBUFFERED": "1"}
        child.process = subprocess.Popen(  # noqa: S602  (our own Procfile's lines, as honcho runs them)
            child.command,
            shell=True,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopping it stops what it started
        )
        child.restart_at = None
        self.say("system", f"{child.name} started (pid {child.process.pid})")
        threading.Thread(target=self._relay, args=(child.name, child.process), daemon=True).start()

    def _relay(self, name: str, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            self.say(name, raw.decode(errors="replace").rstrip("\n"))

    def _delay(self, child: Child, now: float) -> float:
        """How long to wait before the next start: doubling with each restart in the last minute, and past
        the cap until the oldest of those restarts is a minute old."""
        while child.restarts and child.restarts[0] <= now - WINDOW_SECONDS:
            child.restarts.popleft()
        delay: float = min(self.first_delay * 2.0 ** len(child.restarts), self.max_delay)
        if len(child.restarts) >= self.max_restarts:
            delay = max(delay, child.restarts[0] + WINDOW_SECONDS - now)
        return delay

    def _notice_exits(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.process is None or child.restart_at is not None:
                continue
            returncode = child.process.poll()
            if returncode is None:
                continue
            # What it started may live on (the worker's pool, runserver's server under its reloader,
            # holding the port): the group goes with it, so that the restart starts clean.
            _signal_group(child.process, signal.SIGKILL)
            delay = self._delay(child, now)
            child.restart_at = now + delay
            child.restarts.append(now + delay)
            cap = (
                f" (it exited {self.max_restarts} times within a minute)"
                if len(child.restarts) > self.max_restarts
                else ""
            )
            self.say(
                "system",
                f"{child.name} exited ({exit_description(returncode)}); restarting in {delay:g} s{cap}",
            )

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda signum, frame: self.stopping.set())
        for child in self.children:
            self.start(child)
        while not self.stopping.wait(0.2):
            self._notice_exits()
            now = time.monotonic()
            for child in self.children:
                if child.restart_at is not None and child.restart_at <= now:
                    self.start(child)
        self.stop()
        return 0

    def stop(self) -> None:
        self.say("system", "stopping every process")
        running = [child.process for child in self.children if child.process and child.process.poll() is None]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        for child in self.children:
            if child.process is not None:
                _signal_group(child.process, signal.SIGKILL)  # whatever they started and left behind


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(process.pid, sig)


def supervise(
    procfile: Path, *, first_delay: float = 1.0, max_delay: float = 30.0, max_restarts: int = 5
) -> int:
    supervisor = Supervisor(
        procfile_read(procfile),
        output=sys.stdout,
        base_port=int(os.environ.get("PORT") or 5000),
        first_delay=first_delay,
        max_delay=max_delay,
        max_restarts=max_restarts,
    )
    return supervisor.run()
