"""``make run`` stays up: a process of its Procfile killed with SIGKILL is started again and the supervisor
says so, the others run on untouched, a crash loop backs off, and SIGTERM stops every process."""

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.workers import ROOT, clean_environ, wait_for

# A process that prints its pid and stays up, as the web server and the worker do.
STAYS_UP = "{python} -c \"import os, signal; print('pid', os.getpid(), flush=True); signal.pause()\""


class Output:
    """The supervisor's output lines, read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self.stream = process.stdout
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in iter(self.stream.readline, ""):
            self.lines.append(line.rstrip("\n"))

    def pids_of(self, name: str) -> list[int]:
        return [int(found) for line in self.lines for found in re.findall(rf" {name}\s+\| pid (\d+)$", line)]

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)


@contextmanager
def supervisor(procfile: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "supervise", "--procfile", str(procfile), *extra],
        cwd=ROOT,
        env={**clean_environ(), "DJANGO_SETTINGS_MODULE": "platform.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(process)
    try:
        yield process, output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child the supervisor has not reaped yet is a zombie: gone, as far as anyone can tell.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ", 1)[1][0] != "Z"


def test_a_killed_worker_is_started_again_and_sigterm_stops_everything(tmp_path):
    procfile = tmp_path / "Procfile"
    stays_up = STAYS_UP.format(python=sys.executable)
    procfile.write_text(f"web: {stays_up}\nworker: {stays_up}\n")
    with supervisor(procfile) as (process, output):
        wait_for(
            lambda: bool(output.pids_of("worker") and output.pids_of("web")),
            timeout=60,
            what="both processes",
        )
        [worker] = output.pids_of("worker")
        [web] = output.pids_of("web")

        os.kill(worker, signal.SIGKILL)

        wait_for(
            lambda: output.has("worker exited (signal 9); restarting in 1 s"), timeout=30, what="the notice"
        )
        wait_for(lambda: len(output.pids_of("worker")) == 2, timeout=30, what="the worker to be back")
        again = output.pids_of("worker")[1]
        assert again != worker
        assert is_running(again)
        assert output.pids_of("web") == [web]  # the web process ran on, untouched
        assert is_running(web)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        wait_for(
            lambda: not is_running(again) and not is_running(web), timeout=30, what="every process to stop"
        )
    assert sum("restarting in" in line for line in output.lines) == 1  # none after the stop


def test_a_process_that_keeps_crashing_backs_off_and_is_capped_per_minute(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(f'broken: {sys.executable} -c "raise SystemExit(3)"\n')
    with supervisor(procfile, "--first-delay", "0.1", "--max-restarts", "3") as (process, output):
        wait_for(lambda: output.has("(it exited 3 times within a minute)"), timeout=60, what="the cap")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    notices = [line.split("| ", 1)[1] for line in output.lines if "broken exited" in line]
    assert notices[:3] == [
        "broken exited (code 3); restarting in 0.1 s",
        "broken exited (code 3); restarting in 0.2 s",
        "broken exited (code 3); restarting in 0.4 s",
    ]
    # The fourth start waits for the first restart of the minute to be a minute old, not 0.8 s.
    found = re.search(r"restarting in ([\d.]+) s", notices[3])
    assert found is not None
    waited = float(found.group(1))
    assert waited > 50
