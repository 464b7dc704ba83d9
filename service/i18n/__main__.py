"""``python -m service.i18n update|check``: keep the message catalogues whole.

``update`` extracts the messages from the code (``babel.cfg``), merges them into every
``.po`` file (English copies the msgids) and lists what each language still lacks;
``check`` only lists, and exits 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import sys

from service.i18n.catalogue import extract, missing, update
from service.i18n.negotiate import LANGS


def main(argv: list[str] | None = None) -> int:
    """Run the sub-command; 0 when every catalogue has every message."""
    parser = argparse.ArgumentParser(prog="python -m service.i18n", description=__doc__)
    parser.add_argument("command", choices=("update", "check"))
    args = parser.parse_args(argv)
    template = extract()
    lacking = (
        update(template)
        if args.command == "update"
        else {lang: missing(lang, template) for lang in LANGS}
    )
    for lang, ids in lacking.items():
        for msgid in ids:
            sys.stdout.write(f"{lang}: untranslated: {msgid!r}\n")
    return 1 if any(lacking.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
