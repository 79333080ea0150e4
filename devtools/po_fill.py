"""Fills translations into a catalogue from a JSON file of {msgid: msgstr} (a list of msgstr for a plural
entry, keyed by its singular msgid; an entry with a context, from ``pgettext``, keyed
``"context\\u0004msgid"`` in the JSON, as gettext itself joins them), under the lock `make messages`
takes, so that several people filling and re-extracting at once do not lose each other's work. Entries not
in the JSON are left as they are; a key the catalogue lacks is reported (run `make messages` first).

    python -m devtools.po_fill locale/de/LC_MESSAGES/django.po my-strings.json
"""

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCK = Path(__file__).resolve().parent.parent / "locale" / ".messages.lock"
CONTEXT_SEPARATOR = "\x04"  # gettext's own: a compiled catalogue keys "context\x04msgid" the same way


def fill(catalogue: Path, translations: dict[str, str | list[str]]) -> list[str]:
    """Sets the translations; returns the keys the catalogue has no entry for."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with catalogue.open("rb") as source:
            messages = read_po(source, abort_invalid=True)
        missing = []
        for key, msgstr in translations.items():
            context, _, msgid = key.rpartition(CONTEXT_SEPARATOR)
            # Babel finds a plural entry by its singular msgid too.
            message = messages.get(msgid, context or None)
            if message is None:
                missing.append(key)
                continue
            message.string = tuple(msgstr) if isinstance(msgstr, list) else msgstr
            message.flags.discard("fuzzy")
        with catalogue.open("wb") as target:
            write_po(target, messages, width=79, omit_header=False, no_location=True, include_previous=False)
    return missing


def main(arguments: list[str]) -> int:
    catalogue, source = Path(arguments[0]), Path(arguments[1])
    missing = fill(catalogue, json.loads(source.read_text()))
    for key in missing:
        sys.stderr.write(f"not in {catalogue}: {key!r}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
