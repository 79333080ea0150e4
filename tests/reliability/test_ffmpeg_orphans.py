"""ffmpeg dies with the process that started it: a SIGKILLed worker leaves no ffmpeg running."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
        deadline = time.monotonic() + 30
        while not (ffmpeg := _children(pid)):
            assert time.monotonic() < deadline, "ffmpeg did not start"
            time.sleep(0.1)
        time.sleep(0.5)  # past setpriv's exec: the child is ffmpeg itself now
        assert "ffmpeg" in Path(f"/proc/{ffmpeg[0]}/cmdline").read_bytes().decode(errors="replace")
        os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(ffmpeg[0]):
            assert time.monotonic() < deadline, "ffmpeg outlived the worker that started it"
            time.sleep(0.1)
    finally:
        if worker.poll() is None:
            worker.kill()
