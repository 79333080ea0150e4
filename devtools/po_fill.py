"""Fills translations into a catalogue from a JSON file of {msgid: msgstr} (a list of msgstr for a plural
entry, keyed by its singular msgid), under the lock `make messages` takes, so that several people filling
and re-extracting at once do not lose each other's work. Entries not in the JSON are left as they are; an
msgid the catalogue lacks is reported (run `make messages` first).

    python -m devtools.po_fill locale/de/LC_MESSAGES/django.po my-strings.json
"""

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCK = Path(__file__).resolve().parent.parent / "locale" / ".messages.lock"


def fill(catalogue: Path, translations: dict[str, str | list[str]]) -> list[str]:
    """Sets the translations; returns the msgids the catalogue does not have."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with catalogue.open("rb") as source:
            messages = read_po(source, abort_invalid=True)
        missing = []
        for msgid, msgstr in translations.items():
            message = messages.get(msgid) or next(
                (m for m in messages if isinstance(m.id, tuple) and m.id[0] == msgid), None
            )
            if message is None:
                missing.append(msgid)
                continue
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
            message.flags.discard("fuzzy")
        with catalogue.open("wb") as target:
            write_po(target, messages, width=79, omit_header=False, no_location=True, include_previous=False)
    return missing


if __name__ == "__main__":
    catalogue, source = Path(sys.argv[1]), Path(sys.argv[2])
    missing = fill(catalogue, json.loads(source.read_text()))
    for msgid in missing:
        sys.stderr.write(f"not in {catalogue}: {msgid!r}\n")
    sys.exit(1 if missing else 0)
