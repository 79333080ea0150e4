"""The catalogues are complete and current: every entry of every locale/*/LC_MESSAGES/*.po translated and
not fuzzy, each compiled into a .mo that is not older than it, and (extracting afresh from a copy of the
tree) no marked string missing from them."""

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
# What `make messages` reads (everything else is in its --ignore list).
SOURCES = ["platform", "creators", "feeds", "businesses", "templates", "static"]
COPY_IGNORES = shutil.ignore_patterns("__pycache__", "vendor", "*.pyc", "*.mo")


def _read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def _msgid(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _is_translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_german_catalogues_for_templates_python_and_javascript():
    assert [_name(path) for path in CATALOGUES] == [
        "locale/de/LC_MESSAGES/django.po",
        "locale/de/LC_MESSAGES/djangojs.po",
    ]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_name)
def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    messages = [message for message in _read(catalogue) if message.id]
    untranslated = [_msgid(message.id) for message in messages if not _is_translated(message.string)]
    fuzzy = [_msgid(message.id) for message in messages if message.fuzzy]
    assert (untranslated, fuzzy) == ([], []), f"{_name(catalogue)}: untranslated, then fuzzy"
    assert len(messages) > 0


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_name)
def test_each_catalogue_is_compiled_and_the_mo_is_not_older(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), f"{_name(compiled)} is missing: run make translations"
    assert compiled.stat().st_mtime >= catalogue.stat().st_mtime, (
        f"{_name(compiled)} is older than its .po: run make translations"
    )


@pytest.mark.processes  # makemessages runs xgettext
def test_the_catalogues_hold_every_marked_string(tmp_path, settings, monkeypatch):
    """`make messages`, run on a copy of the tree, finds no string the catalogues lack (the real locale/
    is never written)."""
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=COPY_IGNORES)
    shutil.copytree(ROOT / "locale", tmp_path / "locale", ignore=COPY_IGNORES)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    for domain in ("django", "djangojs"):
        call_command(
            "makemessages", locale=["de"], domain=domain, no_obsolete=True, no_location=True, verbosity=0
        )
    missing = {}
    for catalogue in CATALOGUES:
        extracted = {
            _msgid(message.id) for message in _read(tmp_path / catalogue.relative_to(ROOT)) if message.id
        }
        present = {_msgid(message.id) for message in _read(catalogue) if message.id}
        if extracted - present:
            missing[_name(catalogue)] = sorted(extracted - present)
    assert missing == {}, "run make messages, then translate"
    assert os.getcwd() == str(tmp_path)  # the extraction read the copy
