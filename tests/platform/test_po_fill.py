"""devtools.po_fill: translations from JSON go to the entries they name, an entry with a context (pgettext)
included, and a key the catalogue lacks is reported with nothing written for it."""

import json
from pathlib import Path

from babel.messages.pofile import read_po

from devtools.po_fill import fill, main

CATALOGUE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "May"
msgstr ""

msgctxt "month"
msgid "May"
msgstr ""

msgctxt "weekday"
msgid "Mon"
msgstr ""

msgid "%(count)s view"
msgid_plural "%(count)s views"
msgstr[0] ""
msgstr[1] ""

msgctxt "a video"
msgid "%(count)s like"
msgid_plural "%(count)s likes"
msgstr[0] ""
msgstr[1] ""
"""


def _entries(path: Path) -> dict[tuple[str | None, str], object]:
    with path.open("rb") as source:
        catalogue = read_po(source)
    return {
        (message.context, str(message.id if isinstance(message.id, str) else message.id[0])): message.string
        for message in catalogue
        if message.id
    }


def test_a_context_key_fills_the_entry_with_that_context_only(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(CATALOGUE)

    missing = fill(
        po,
        {
            "month\x04May": "Mai",
            "%(count)s view": ["%(count)s Aufruf", "%(count)s Aufrufe"],
            "a video\x04%(count)s like": ["%(count)s Like", "%(count)s Likes"],
        },
    )

    assert missing == []
    assert _entries(po) == {
        (None, "May"): "",  # the same msgid without the context is another entry, left as it was
        ("month", "May"): "Mai",
        ("weekday", "Mon"): "",
        (None, "%(count)s view"): ("%(count)s Aufruf", "%(count)s Aufrufe"),
        ("a video", "%(count)s like"): ("%(count)s Like", "%(count)s Likes"),
    }


def test_a_key_without_its_entry_is_reported_and_nothing_is_written_for_it(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(CATALOGUE)

    # "Mon" exists only with the context "weekday"; "day" is no context it has.
    missing = fill(po, {"Mon": "Mo.", "day\x04Mon": "Mo.", "weekday\x04Mon": "Mo."})

    assert missing == ["Mon", "day\x04Mon"]
    entries = _entries(po)
    assert entries[("weekday", "Mon")] == "Mo."
    assert set(entries) & {(None, "Mon"), ("day", "Mon")} == set()
    assert entries[(None, "May")] == entries[("month", "May")] == ""


def test_the_command_reads_the_json_escape_of_the_separator(tmp_path, capsys):
    po = tmp_path / "django.po"
    po.write_text(CATALOGUE)
    source = tmp_path / "de.json"
    source.write_text('{"weekday\\u0004Mon": "Mo.", "May": "darf"}')
    assert json.loads(source.read_text()) == {"weekday\x04Mon": "Mo.", "May": "darf"}

    assert main([str(po), str(source)]) == 0

    assert capsys.readouterr().err == ""
    entries = _entries(po)
    assert (entries[("weekday", "Mon")], entries[(None, "May")], entries[("month", "May")]) == (
        "Mo.",
        "darf",
        "",
    )

    source.write_text('{"day\\u0004Mon": "Mo."}')
    assert main([str(po), str(source)]) == 1
    assert capsys.readouterr().err == f"not in {po}: 'day\\x04Mon'\n"
    assert ("day", "Mon") not in _entries(po)
