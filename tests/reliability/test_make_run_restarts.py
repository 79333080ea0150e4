"""``make run`` stays up: supervisord restarts a Procfile process killed with SIGKILL and says so, the others
run on untouched, a crash loop is given up on after a few tries, and SIGTERM stops every process."""

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.waiting import eventually
from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.processes

# A process that prints its pid, its $PORT and a shell-expanded default, and stays up, as the web server
# and the worker do. The line goes out in one write(2): ``print`` of several values (unbuffered, as
# supervisord's children run) writes them one by one, and two programs' pieces then interleave.
STAYS_UP = (
    '{python} -c "import os, signal; os.write(1, f\'pid {{os.getpid()}} port {{os.environ[\\"PORT\\"]}} '
    "greeting ${{GREETING:-100%}}\\n'.encode()); signal.pause()\""
)


class Output:
    """supervisord's output lines (its own and its programs'), read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self.stream = process.stdout
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in iter(self.stream.readline, ""):
            self.lines.append(line.rstrip("\n"))

    def spawned(self, name: str) -> list[int]:
        """The pids supervisord says it started ``name`` with, in order."""
        return [
            int(pid)
            for line in self.lines
            for pid in re.findall(rf" spawned: '{name}' with pid (\d+)$", line)
        ]

    def printed(self, pid: int) -> str | None:
        """What the program with ``pid`` printed about itself, once it runs."""
        return next((line for line in self.lines if line.startswith(f"pid {pid} ")), None)

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, condition: Callable[[], object], *, timeout: float, what: str) -> None:
        """``eventually``, failing with supervisord's last lines: what it saw is the only clue to a wait
        that timed out on a loaded machine."""
        try:
            eventually(condition, timeout=timeout, what=what)
        except AssertionError as error:
            raise AssertionError(
                f"{error}; supervisord's last lines:\n" + "\n".join(self.lines[-40:])
            ) from None


@contextmanager
def supervise(procfile: Path, *, port: int) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "supervise", "--procfile", str(procfile)],
        cwd=ROOT,
        env={
            **clean_environ(),
            "DJANGO_SETTINGS_MODULE": "platform.settings.test",
            "PORT": str(port),
            # supervise writes supervisord's config and state under VAR_DIR: each run its own.
            "JOYREEL_VAR_DIR": str(procfile.parent / "var"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(process)
    try:
        yield process, output
    finally:
        # A test that failed half-way: supervisord stops its programs; if it cannot, they go by group
        # (each program is its own process group).
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        for name in ("web", "worker", "broken"):
            for pid in output.spawned(name):
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child nobody has reaped yet is a zombie: gone, as far as anyone can tell.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ", 1)[1][0] != "Z"


def test_a_killed_worker_is_started_again_and_sigterm_stops_everything(tmp_path):
    procfile = tmp_path / "Procfile"
    stays_up = STAYS_UP.format(python=sys.executable)
    procfile.write_text(f"web: {stays_up}\nworker: {stays_up}\n")
    with supervise(procfile, port=6100) as (process, output):
        output.wait_for(
            lambda: (
                all(output.printed(pid) for pid in output.spawned("web") + output.spawned("worker"))
                and len(output.spawned("web") + output.spawned("worker")) == 2
            ),
            timeout=60,
            what="both processes to run",
        )
        [web] = output.spawned("web")
        [worker] = output.spawned("worker")
        # Each has its own $PORT, as honcho gave it; the Procfile line went through a shell, and
        # supervisord's own "%" expansion left it alone.
        assert output.printed(web) == f"pid {web} port 6100 greeting 100%"
        assert output.printed(worker) == f"pid {worker} port 6200 greeting 100%"

        os.kill(worker, signal.SIGKILL)

        output.wait_for(
            lambda: output.count("exited: worker (terminated by SIGKILL; not expected)") == 1,
            timeout=30,
            what="supervisord to say the worker died",
        )
        output.wait_for(
            lambda: len(output.spawned("worker")) == 2, timeout=30, what="the worker to be started again"
        )
        again = output.spawned("worker")[1]
        output.wait_for(lambda: output.printed(again) is not None, timeout=60, what="the new worker to run")
        assert again != worker
        assert is_running(again)
        assert output.spawned("web") == [web]  # the web process ran on, untouched
        assert is_running(web)
        assert output.count("exited: web") == 0

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not is_running(again)
        assert not is_running(web)
    assert output.count("stopped: web (terminated by SIGTERM)") == 1
    assert output.count("stopped: worker (terminated by SIGTERM)") == 1
    assert len(output.spawned("worker")) == 2  # nothing started again after the stop


def test_a_process_that_keeps_crashing_is_given_up_on(tmp_path):
    procfile = tmp_path / "Procfile"
    stays_up = STAYS_UP.format(python=sys.executable)
    procfile.write_text(f'broken: {sys.executable} -c "raise SystemExit(3)"\nweb: {stays_up}\n')
    with supervise(procfile, port=6300) as (process, output):
        output.wait_for(
            lambda: (
                output.count("gave up: broken entered FATAL state, too many start retries too quickly") == 1
            ),
            timeout=90,
            what="supervisord to give up on the crashing process",
        )
        # The first start and three retries, then no more.
        assert len(output.spawned("broken")) == 4
        assert output.count("exited: broken (exit status 3; not expected)") == 4
        [web] = output.spawned("web")
        assert is_running(web)  # the other process is not taken down with it

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not is_running(web)
    assert len(output.spawned("broken")) == 4
