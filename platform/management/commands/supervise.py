"""``manage.py supervise``: run a Procfile's processes under supervisord, which restarts any that dies.

The door ``make run`` calls. It writes a supervisord config (one program per Procfile line) under
VAR_DIR and execs supervisord in the foreground, so Ctrl-C and SIGTERM go straight to it and it stops
every program's whole process group. supervisord's own lines on stdout ("exited: worker (terminated by
SIGKILL; not expected)", "spawned: 'worker' with pid N", "gave up: … too many start retries") say what
died and what came back; a program that cannot stay up for ``startsecs`` is retried ``startretries``
times with a growing back-off, then left FATAL instead of spinning.
"""

import os
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def procfile_read(path: Path) -> list[tuple[str, str]]:
    """The (name, command) pairs of a Procfile, in order; blank lines and ``#`` comments skipped."""
    entries = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise CommandError(f"{path}: not a Procfile line: {raw!r}")
        name, command = match.groups()
        # supervisord's config parser would cut the line at an inline comment.
        if re.search(r"\s[;#]", command):
            raise CommandError(f"{path}: {name}: ' ;' and ' #' cannot pass through supervisord's config")
        entries.append((name, command))
    return entries


def config_text(entries: list[tuple[str, str]], *, var_dir: Path, base_port: int) -> str:
    # With nodaemon supervisord also logs to stdout, so the file is only a record, kept small.
    lines = [
        "[supervisord]",
        "nodaemon=true",
        "loglevel=info",
        f"logfile={var_dir / 'supervisord.log'}",
        "logfile_maxbytes=5MB",
        "logfile_backups=1",
        f"pidfile={var_dir / 'supervisord.pid'}",
        f"childlogdir={var_dir}",
    ]
    if os.getuid() == 0:
        # supervisord runs as whoever started it; saying so for root quiets its CRIT warning.
        lines.append("user=root")
    for index, (name, command) in enumerate(entries):
        # A shell expands the Procfile's ${VAR:-default}; exec makes the command itself the process
        # supervisord watches, signals and reports. "%" is supervisord's own expansion: escaped.
        shell_command = shlex.join(["/bin/sh", "-c", f"exec {command}"]).replace("%", "%%")
        lines += [
            "",
            f"[program:{name}]",
            f"command={shell_command}",
            f"directory={Path.cwd()}",
            f"priority={index + 1}",  # started in the Procfile's order
            # Each process gets its own $PORT (base, +100, …), as honcho gave it.
            f'environment=PORT="{base_port + 100 * index}",PYTHONUNBUFFERED="1"',
            "autorestart=true",
            # A start counts only once the process has stayed up this long (a Django process takes
            # seconds to import on a busy machine): one that keeps dying sooner is retried
            # startretries times with a growing back-off, then given up on (FATAL).
            "startsecs=10",
            "startretries=3",
            # SIGTERM to the process itself, as Celery asks: a worker whose pool children are signalled
            # too logs them as lost and can hang in its warm shutdown. What is left after stopwaitsecs
            # is SIGKILLed as a group, so nothing it started outlives a stop.
            "stopsignal=TERM",
            "stopasgroup=false",
            "killasgroup=true",
            "stopwaitsecs=15",  # a Celery worker's warm shutdown puts its prefetched messages back
            "redirect_stderr=true",
            "stdout_logfile=/dev/stdout",
            "stdout_logfile_maxbytes=0",
        ]
    # One group: a stop signals every program at once instead of one after another.
    lines += ["", "[group:procfile]", f"programs={','.join(name for name, _ in entries)}"]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Run every process of a Procfile under supervisord: one that dies is restarted; Ctrl-C stops all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--procfile", type=Path, default=Path("Procfile"))

    def handle(self, *args: Any, **options: Any) -> None:
        # The one installed beside this interpreter (the venv's), else whichever is on PATH.
        supervisord = shutil.which("supervisord", path=str(Path(sys.executable).parent)) or shutil.which(
            "supervisord"
        )
        if supervisord is None:
            raise CommandError("supervisord is not installed: pip install -r requirements.txt")
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        config = var_dir / "supervisord.conf"
        config.write_text(
            config_text(
                procfile_read(options["procfile"]),
                var_dir=var_dir,
                base_port=int(os.environ.get("PORT") or 5000),
            )
        )
        self.stdout.flush()
        # supervisord takes this process's place, so Ctrl-C and SIGTERM reach it, not a Python parent.
        os.execv(supervisord, [supervisord, "--nodaemon", "--configuration", str(config)])  # noqa: S606
