"""Our JavaScript modules: every import a page's module makes is a file we serve, also after collectstatic."""

import json
import re
import secrets
from pathlib import Path, PurePosixPath

import pytest
from django.contrib.staticfiles import finders

from tests.platform.test_processes import STRIPE_TEST_ENVIRON, run_python
from tests.workers import ROOT

TEMPLATES = ROOT / "templates"
# The npm libraries `make vendor` copies into static/vendor/ (gitignored): an import of one is checked
# against the Makefile's list, so these tests need no npm (the browser tests load the files themselves).
VENDOR_LINE = re.search(r"^VENDOR_FILES := (.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
VENDOR_FILES = (
    {name.removeprefix("$(VENDOR)/") for name in VENDOR_LINE.group(1).split()} if VENDOR_LINE else set()
)
MODULE_TAG = re.compile(r"""<script type="module" src="\{% static '([^']+)' %\}">""")
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"'\n]*?from\s*["']([^"']+)["']""", re.MULTILINE)


def module_entries() -> set[str]:
    return {name for page in TEMPLATES.rglob("*.html") for name in MODULE_TAG.findall(page.read_text())}


def imports_of(text: str, importer: str) -> list[str]:
    """The static names ``importer``'s relative imports point at."""
    folder = PurePosixPath(importer).parent
    names = []
    for specifier in IMPORT.findall(text):
        assert specifier.startswith(("./", "../")), (
            f"{importer} imports {specifier!r}: only relative paths work"
        )
        parts: list[str] = []
        for part in (folder / specifier).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        names.append("/".join(parts))
    return names


def test_every_module_a_page_loads_and_all_it_imports_are_static_files():
    entries = module_entries()
    assert {"js/feed.js", "js/studio.js"} <= entries
    seen: set[str] = set()
    pending = sorted(entries)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name.startswith("vendor/"):
            assert name.removeprefix("vendor/") in VENDOR_FILES, (
                f"{name} is imported but `make vendor` makes no such file"
            )
            continue
        path = finders.find(name)
        assert path, f"{name} is imported but is not a static file"
        pending.extend(imports_of(Path(path).read_text(), name))
    assert {"js/csrf.js", "js/feed/player.js", "js/feed/gestures.js", "js/feed/signals.js"} <= seen


@pytest.mark.processes
def test_production_collectstatic_points_module_imports_at_hashed_files(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "platform.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "joyreel.example",
        "JOYREEL_VAR_DIR": str(tmp_path),
        **STRIPE_TEST_ENVIRON,
    }
    result = run_python("manage.py", "collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    static_root = tmp_path / "static"
    hashed = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    checked = 0
    for name in sorted(entry for entry in hashed if entry.startswith("js/")):
        served = hashed[name]
        for target in imports_of((static_root / served).read_text(), served):
            # A hashed module cached for a year must import the hashed (equally immutable) file.
            assert target in hashed.values(), f"{served} imports {target}, which is not a hashed name"
            checked += 1
    assert checked >= 20
