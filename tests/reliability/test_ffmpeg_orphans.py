"""ffmpeg dies with the process that started it: a SIGKILLed worker leaves no ffmpeg running."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.waiting import eventually
from tests.workers import ROOT, clean_environ

pytestmark = pytest.mark.processes

CHILD = """
import django, os, sys
django.setup()
import imageio_ffmpeg
from creators import media
print(os.getpid(), flush=True)
media._run(argv=[imageio_ffmpeg.get_ffmpeg_exe(), *media._GLOBAL_ARGS, "-f", "lavfi", "-i",
                 "testsrc2=duration=600:size=1280x720", "-f", "null", "-"], timeout=600)
"""


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(line) for line in found.split()]


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    return "State:\tZ" not in status.read_text()


def test_a_killed_worker_takes_its_ffmpeg_with_it():
    env = {**clean_environ(), "DJANGO_SETTINGS_MODULE": "platform.settings.test"}
    worker = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        pid = int(worker.stdout.readline())
        ffmpeg = eventually(lambda: _children(pid), timeout=30, what="ffmpeg to start")
        # Past setpriv's exec: the child is ffmpeg itself now (setpriv's own command line names ffmpeg too).
        eventually(
            lambda: "ffmpeg" in Path(os.readlink(f"/proc/{ffmpeg[0]}/exe")).name, timeout=10, what="the exec"
        )
        os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        eventually(
            lambda: not _alive(ffmpeg[0]), timeout=10, what="ffmpeg to die with the worker that started it"
        )
    finally:
        if worker.poll() is None:
            worker.kill()
