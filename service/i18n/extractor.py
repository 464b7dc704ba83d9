"""service.i18n.extractor: find the messages in Python source by its syntax tree.

Babel's own Python extractor reads tokens, and on Python 3.11 an f-string is one token:
``f"<h3>{tr.gettext('Legend')}</h3>"`` would be missed, and the page would silently show
English. Walking the AST sees every call, inside f-strings too. Named in ``babel.cfg``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str | None, ...], list[str]]]:
    """Babel extraction method: (line, function, arguments, comments) per keyword call.

    Arguments that are not string literals come back as None (Babel then skips a message
    whose msgid is not a literal), as Babel's own extractor does.
    """
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name is None or name not in keywords:
            continue
        args = tuple(
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        )
        if args:
            yield node.lineno, name, args, []
