"""geo.vietnamese: search keys for Vietnamese place names.

Three keys, each mirrored exactly by a SQL function of the ``search`` migration (a test
compares them on every demo name):

- :func:`bare_name` (``bm_bare_name``): the name without its unit word
  (``Xã Lũng Cú`` → ``Lũng Cú``, ``Tỉnh Tây Ninh`` → ``Tây Ninh``);
- :func:`fold` (``bm_fold``): lower case, no diacritics, ``đ`` → ``d``
  (``Đồng Văn`` → ``dong van``): what a person types on a keyboard without Telex;
- :func:`tone_key` (``bm_tone_key``): lower case with diacritics, the tone mark of a
  word-final ``oa``, ``oe`` or ``uy`` always on its last vowel, so the old and new
  placements compare equal (``hòa`` = ``hoà``, ``thủy`` = ``thuỷ``, ``khỏe`` = ``khoẻ``).
  Other words are unambiguous (``hoàng``, ``quý``, ``ngoài``) and are left as written.
"""

from __future__ import annotations

import re
import unicodedata

# Unit words that open official names; longest first so "Thị trấn" wins over "Thị".
UNIT_WORDS = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)
UNIT_PREFIX = "^(" + "|".join(UNIT_WORDS) + ") "
_UNIT_PREFIX = re.compile(UNIT_PREFIX)

# The five tone marks as combining characters (NFD): grave, acute, tilde, hook, dot below.
TONES = "\u0300\u0301\u0303\u0309\u0323"
# A word-final vowel pair whose tone has two accepted placements, with the tone on the
# first vowel; SQL's regexp_replace takes the same pattern (ARE syntax) and replacement.
TONE_PLACEMENT = (
    (f"o([{TONES}])a(?![a-zđ\u0300-\u036f])", r"oa\1"),
    (f"o([{TONES}])e(?![a-zđ\u0300-\u036f])", r"oe\1"),
    (f"u([{TONES}])y(?![a-zđ\u0300-\u036f])", r"uy\1"),
)
_TONE_PLACEMENT = tuple((re.compile(p), r) for p, r in TONE_PLACEMENT)
_MARKS = re.compile("[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")


def bare_name(name: str) -> str:
    """The name without its leading unit word; other names unchanged.

    >>> bare_name("Thị trấn Đồng Văn")
    'Đồng Văn'
    """
    return _UNIT_PREFIX.sub("", unicodedata.normalize("NFC", name), count=1)


def fold(text: str) -> str:
    """Lower case without diacritics; ``đ`` becomes ``d``.

    >>> fold("Xã Lũng Cú")
    'xa lung cu'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _MARKS.sub("", text).lower()


def tone_key(text: str) -> str:
    """Lower case with diacritics and one tone placement for ``oa``/``oe``/``uy`` (NFC).

    >>> tone_key("Hòa Bình") == tone_key("Hoà Bình")
    True
    """
    text = unicodedata.normalize("NFD", text.lower())
    for pattern, replacement in _TONE_PLACEMENT:
        text = pattern.sub(replacement, text)
    return unicodedata.normalize("NFC", text)


def clean_query(text: str) -> str:
    """A query as typed, in NFC with runs of white space made one space and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
