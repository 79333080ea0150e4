"""Print where the running site is and how to log in, once it answers, then stay up beside it.

`make run` starts this as one more Procfile process, so the banner comes after the web
server's and the worker's start-up logs instead of scrolling away above them. It keeps
running: the supervisor would start a process that exits again, and print the banner twice.
"""

import signal
import time
import urllib.error
import urllib.request
from typing import Any

from django.core.management.base import OutputWrapper

from devtools.demo.users import DEMO_PASSWORD, DEMO_USERS


class Banner:
    """What ``manage.py banner`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{options['port']}"
        deadline = time.monotonic() + options["timeout"]
        while not self._answers(f"{base}/healthz"):
            if time.monotonic() > deadline:
                self.stderr.write(
                    f"The site did not answer on {base}/healthz; see the web process's log above."
                )
                break
            time.sleep(0.5)
        else:
            self.stdout.write(self._banner(base))
        if not options["exit"]:
            signal.pause()

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (our own loopback URL)
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    @staticmethod
    def _banner(base: str) -> str:
        rule = "─" * 64
        logins = "\n".join(f"    {spec['role']:<15} {spec['email']}" for spec in DEMO_USERS)
        return (
            f"\n{rule}\n"
            f"  Joyreel is up      {base}/\n"
            f"  Admin              {base}/admin/\n"
            f"  Studio             {base}/studio/\n"
            f"  API docs           {base}/api/docs/\n"
            f"  Health             {base}/healthz\n"
            f"  Demo logins (password {DEMO_PASSWORD}):\n{logins}\n"
            f"  Ctrl-C stops the web server, the worker and this banner.\n"
            f"{rule}\n"
        )


def banner(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py banner`` with the options its command parsed."""
    Banner(stdout=stdout, stderr=stderr).handle(**options)
