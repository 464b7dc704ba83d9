"""service.ogc.cql2: a CQL2-text parser producing a small AST (OGC 21-065, the parts we serve).

Supported: comparisons (``= <> < <= > >=``), ``AND``/``OR``/``NOT``, parentheses,
``[NOT] LIKE``, ``[NOT] BETWEEN``, ``[NOT] IN (...)``, ``IS [NOT] NULL``, ``CASEI(...)``,
string/number/boolean literals, ``DATE('...')``/``TIMESTAMP('...')``, and the spatial
functions ``S_INTERSECTS``/``S_WITHIN``/... over ``POINT``/``LINESTRING``/``POLYGON``/
``MULTI*``/``BBOX`` literals. Keywords are case-insensitive; a property named like a
keyword is written in double quotes.

The parser knows nothing about SQL: :mod:`service.db.cql2_sql` compiles the AST against a
whitelist of queryable columns, with every literal bound as a parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal as Lit

from service.errors import BadRequest

MAX_LENGTH = 8000
MAX_DEPTH = 40
MAX_IN_ITEMS = 1000
# PostgreSQL's bigint: a wider integer literal cannot be bound (``bigint out of range``).
MAX_INTEGER = 2**63 - 1

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
SPATIAL_FUNCTIONS = (
    "S_INTERSECTS",
    "S_DISJOINT",
    "S_EQUALS",
    "S_TOUCHES",
    "S_WITHIN",
    "S_OVERLAPS",
    "S_CROSSES",
    "S_CONTAINS",
)
GEOMETRY_TYPES = (
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
)
KEYWORDS = {
    "AND",
    "OR",
    "NOT",
    "LIKE",
    "BETWEEN",
    "IN",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "DATE",
    "TIMESTAMP",
    "CASEI",
    "BBOX",
    *SPATIAL_FUNCTIONS,
    *GEOMETRY_TYPES,
}


class CQL2Error(BadRequest):
    """A filter that is not valid CQL2-text (or uses what BorderMap does not support)."""


# --- AST --------------------------------------------------------------------------------------

LiteralKind = Lit["string", "number", "boolean", "date", "timestamp"]


@dataclass(frozen=True, slots=True)
class Property:
    """A property (queryable) named in the filter."""

    name: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal value of a known kind."""

    value: str | float | int | bool | dt.date | dt.datetime
    kind: LiteralKind


@dataclass(frozen=True, slots=True)
class CaseI:
    """``CASEI(expr)``: compare case-insensitively."""

    arg: Scalar


Coords = tuple[float, float] | tuple["Coords", ...]


@dataclass(frozen=True, slots=True)
class GeometryLiteral:
    """A geometry literal: its type and coordinates (x/y as written, in ``filter-crs``)."""

    kind: str  # POINT, LINESTRING, POLYGON, MULTI*
    coords: Coords

    def wkt(self, point: Callable[[float, float], tuple[float, float]] | None = None) -> str:
        """Canonical WKT, each position passed through ``point`` (e.g. a CRS transform)."""

        def render(c: Coords) -> str:
            if len(c) == 2 and isinstance(c[0], float):
                x, y = c
                if point is not None:
                    x, y = point(x, y)
                return f"{x!r} {y!r}"
            return "(" + ",".join(render(part) for part in c) + ")"

        body = render(self.coords)
        return f"{self.kind}({body})" if self.kind == "POINT" else f"{self.kind}{body}"

    def positions(self) -> list[tuple[float, float]]:
        """Every position, flattened."""
        out: list[tuple[float, float]] = []

        def walk(c: Coords) -> None:
            if len(c) == 2 and isinstance(c[0], float):
                out.append(c)
            else:
                for part in c:
                    walk(part)

        walk(self.coords)
        return out


Scalar = Property | Literal | CaseI


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left op right``."""

    op: str
    left: Scalar
    right: Scalar


@dataclass(frozen=True, slots=True)
class Like:
    """``expr [NOT] LIKE pattern`` (``%`` any run, ``_`` one character, ``\\`` escapes)."""

    expr: Scalar
    pattern: Scalar
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Between:
    """``expr [NOT] BETWEEN low AND high``."""

    expr: Scalar
    low: Scalar
    high: Scalar
    negated: bool = False


@dataclass(frozen=True, slots=True)
class In:
    """``expr [NOT] IN (items)``."""

    expr: Scalar
    items: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class IsNull:
    """``expr IS [NOT] NULL``."""

    expr: Scalar
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Spatial:
    """``S_INTERSECTS(a, b)`` and friends; each side a geometry property or literal."""

    op: str
    left: Property | GeometryLiteral
    right: Property | GeometryLiteral


@dataclass(frozen=True, slots=True)
class And:
    """All of ``items``."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any of ``items``."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The negation of ``item``."""

    item: Node


@dataclass(frozen=True, slots=True)
class BoolConst:
    """A bare ``TRUE``/``FALSE`` used as a condition."""

    value: bool


Node = Comparison | Like | Between | In | IsNull | Spatial | And | Or | Not | BoolConst


# --- tokens -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<qident>"(?:[^"]|"")+")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|<=|>=|=|<|>)
  | (?P<punct>[(),\-+])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # string, number, ident, qident, op, punct, end
    text: str
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise CQL2Error(f"filter: unexpected character {source[pos]!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    out.append(_Tok("end", "", len(source)))
    return out


# --- parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str) -> None:
        self.toks = _tokenize(source)
        self.i = 0
        self.depth = 0

    # helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _fail(self, expected: str) -> CQL2Error:
        t = self.tok
        found = "end of filter" if t.kind == "end" else repr(t.text)
        return CQL2Error(f"filter: expected {expected} at position {t.pos + 1}, found {found}")

    def _is_kw(self, *words: str) -> bool:
        return self.tok.kind == "ident" and self.tok.text.upper() in words

    def _accept_kw(self, word: str) -> bool:
        if self._is_kw(word):
            self.i += 1
            return True
        return False

    def _expect_kw(self, word: str) -> None:
        if not self._accept_kw(word):
            raise self._fail(word)

    def _accept_punct(self, ch: str) -> bool:
        if self.tok.kind == "punct" and self.tok.text == ch:
            self.i += 1
            return True
        return False

    def _expect_punct(self, ch: str) -> None:
        if not self._accept_punct(ch):
            raise self._fail(f"'{ch}'")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CQL2Error(f"filter: nested deeper than {MAX_DEPTH} levels")

    # grammar
    def parse(self) -> Node:
        node = self._or()
        if self.tok.kind != "end":
            raise self._fail("AND, OR or the end of the filter")
        return node

    def _or(self) -> Node:
        self._enter()
        items = [self._and()]
        while self._accept_kw("OR"):
            items.append(self._and())
        self.depth -= 1
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _and(self) -> Node:
        items = [self._not()]
        while self._accept_kw("AND"):
            items.append(self._not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def _not(self) -> Node:
        if self._accept_kw("NOT"):
            self._enter()
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._primary()

    def _primary(self) -> Node:
        if self._accept_punct("("):
            node = self._or()
            self._expect_punct(")")
            return node
        if self._is_kw(*SPATIAL_FUNCTIONS):
            return self._spatial()
        left = self._scalar()
        return self._predicate(left)

    def _predicate(self, left: Scalar) -> Node:
        t = self.tok
        if t.kind == "op":
            self.i += 1
            return Comparison(t.text, left, self._scalar())
        if self._accept_kw("IS"):
            negated = self._accept_kw("NOT")
            self._expect_kw("NULL")
            return IsNull(left, negated)
        negated = self._accept_kw("NOT")
        if self._accept_kw("LIKE"):
            return Like(left, self._pattern(), negated)
        if self._accept_kw("BETWEEN"):
            low = self._scalar()
            self._expect_kw("AND")
            return Between(left, low, self._scalar(), negated)
        if self._accept_kw("IN"):
            self._expect_punct("(")
            items = [self._scalar()]
            while self._accept_punct(","):
                items.append(self._scalar())
                if len(items) > MAX_IN_ITEMS:
                    raise CQL2Error(f"filter: IN lists are limited to {MAX_IN_ITEMS} items")
            self._expect_punct(")")
            return In(left, tuple(items), negated)
        if negated:
            raise self._fail("LIKE, BETWEEN or IN after NOT")
        if isinstance(left, Literal) and left.kind == "boolean":
            return BoolConst(bool(left.value))
        raise self._fail("a comparison operator, LIKE, BETWEEN, IN or IS")

    def _pattern(self) -> Scalar:
        """A LIKE pattern: a string literal, maybe in CASEI() (CQL2's patternExpression)."""
        pos = self.tok.pos
        pattern = self._scalar()
        inner = pattern
        while isinstance(inner, CaseI):
            inner = inner.arg
        if not (isinstance(inner, Literal) and isinstance(inner.value, str)):
            raise CQL2Error(f"filter: the LIKE pattern at position {pos + 1} must be a string")
        trailing = len(inner.value) - len(inner.value.rstrip("\\"))
        if trailing % 2:
            raise CQL2Error(
                f"filter: the LIKE pattern at position {pos + 1} ends with an unescaped '\\'"
                " (write '\\\\' for a backslash)"
            )
        return pattern

    def _scalar(self) -> Scalar:
        t = self.tok
        if t.kind == "string":
            self.i += 1
            return Literal(t.text[1:-1].replace("''", "'"), "string")
        if t.kind == "punct" and t.text in "-+":
            self.i += 1
            if self.tok.kind != "number":
                raise self._fail("a number after the sign")
            lit = self._number(negative=t.text == "-")
            value = lit.value
            assert isinstance(value, int | float)
            return Literal(-value if t.text == "-" else value, "number")
        if t.kind == "number":
            return self._number()
        if t.kind == "qident":
            self.i += 1
            return Property(t.text[1:-1].replace('""', '"'))
        if t.kind == "ident":
            word = t.text.upper()
            if word in ("TRUE", "FALSE"):
                self.i += 1
                return Literal(word == "TRUE", "boolean")
            if word in ("DATE", "TIMESTAMP"):
                return self._temporal(word)
            if word == "CASEI":
                self.i += 1
                self._enter()  # CASEI(CASEI(...)) nests too: counted like parentheses
                self._expect_punct("(")
                arg = self._scalar()
                self._expect_punct(")")
                self.depth -= 1
                return CaseI(arg)
            if word in KEYWORDS:
                raise CQL2Error(
                    f"filter: {t.text} at position {t.pos + 1} is a keyword here;"
                    " write a property of that name in double quotes"
                )
            self.i += 1
            return Property(t.text)
        raise self._fail("a property name or a literal")

    def _number(self, negative: bool = False) -> Literal:
        text, pos = self.tok.text, self.tok.pos
        self.i += 1
        if re.fullmatch(r"\d+", text):
            value = int(text)
            if value > MAX_INTEGER + negative:
                raise CQL2Error(
                    f"filter: the integer at position {pos + 1} is out of range"
                    f" (-{MAX_INTEGER + 1}..{MAX_INTEGER})"
                )
            return Literal(value, "number")
        return Literal(float(text), "number")

    def _temporal(self, word: str) -> Literal:
        pos = self.tok.pos
        self.i += 1
        self._expect_punct("(")
        if self.tok.kind != "string":
            raise self._fail(f"a quoted {word.lower()} inside {word}()")
        raw = self.tok.text[1:-1]
        self.i += 1
        self._expect_punct(")")
        try:
            if word == "DATE":
                return Literal(dt.date.fromisoformat(raw), "date")
            stamp = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise CQL2Error(
                f"filter: {word}({raw!r}) at position {pos + 1} is not a valid {word.lower()}"
            ) from None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        return Literal(stamp, "timestamp")

    def _spatial(self) -> Spatial:
        op = self.tok.text.upper()
        self.i += 1
        self._expect_punct("(")
        left = self._geom_arg()
        self._expect_punct(",")
        right = self._geom_arg()
        self._expect_punct(")")
        return Spatial(op, left, right)

    def _geom_arg(self) -> Property | GeometryLiteral:
        if self._is_kw("BBOX"):
            self.i += 1
            self._expect_punct("(")
            nums = [self._signed_number()]
            while self._accept_punct(","):
                nums.append(self._signed_number())
            self._expect_punct(")")
            if len(nums) == 6:
                nums = [nums[0], nums[1], nums[3], nums[4]]
            if len(nums) != 4:
                raise CQL2Error("filter: BBOX takes 4 (or 6) numbers")
            x1, y1, x2, y2 = nums
            if x1 > x2 or y1 > y2:
                raise CQL2Error("filter: BBOX lower corner exceeds the upper corner")
            ring = ((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1))
            return GeometryLiteral("POLYGON", (ring,))
        if self._is_kw(*GEOMETRY_TYPES):
            kind = self.tok.text.upper()
            self.i += 1
            return GeometryLiteral(kind, self._geometry_body(kind))
        scalar = self._scalar()
        if not isinstance(scalar, Property):
            raise self._fail("a geometry property, a geometry literal or BBOX(...)")
        return scalar

    def _geometry_body(self, kind: str) -> Coords:
        if kind == "POINT":
            self._expect_punct("(")
            p = self._point()
            self._expect_punct(")")
            return p
        if kind == "MULTIPOINT":
            return self._list(self._point_maybe_wrapped)
        if kind == "LINESTRING":
            return self._line()
        if kind == "POLYGON":
            return self._polygon()
        if kind == "MULTILINESTRING":
            return self._list(self._line)
        return self._list(self._polygon)  # MULTIPOLYGON

    def _list(self, item: Callable[[], Coords]) -> tuple[Coords, ...]:
        self._enter()
        self._expect_punct("(")
        parts = [item()]
        while self._accept_punct(","):
            parts.append(item())
        self._expect_punct(")")
        self.depth -= 1
        return tuple(parts)

    def _line(self) -> tuple[Coords, ...]:
        pos = self.tok.pos
        line = self._list(self._point)
        if len(line) < 2:
            raise CQL2Error(f"filter: a line at position {pos + 1} needs at least 2 positions")
        return line

    def _polygon(self) -> tuple[Coords, ...]:
        pos = self.tok.pos
        rings = self._list(self._line)
        for ring in rings:
            if len(ring) < 4 or ring[0] != ring[-1]:
                raise CQL2Error(
                    f"filter: a polygon ring at position {pos + 1} must be closed"
                    " (first position = last) with at least 4 positions"
                )
        return rings

    def _signed_number(self) -> float:
        sign = -1.0 if self._accept_punct("-") else 1.0
        if sign > 0:
            self._accept_punct("+")
        if self.tok.kind != "number":
            raise self._fail("a number")
        value = float(self.tok.text)
        self.i += 1
        return sign * value

    def _point(self) -> tuple[float, float]:
        x, y = self._signed_number(), self._signed_number()
        if self.tok.kind == "number" or (self.tok.kind == "punct" and self.tok.text in "-+"):
            self._signed_number()  # a height: accepted, dropped
        return (x, y)

    def _point_maybe_wrapped(self) -> tuple[float, float]:
        if self._accept_punct("("):
            p = self._point()
            self._expect_punct(")")
            return p
        return self._point()


def parse(source: str) -> Node:
    """Parse a CQL2-text filter into an AST; raises CQL2Error naming the problem."""
    if len(source) > MAX_LENGTH:
        raise CQL2Error(f"filter: longer than {MAX_LENGTH} characters")
    if not source.strip():
        raise CQL2Error("filter: empty")
    if "\x00" in source:
        raise CQL2Error("filter: contains a NUL character")
    return _Parser(source).parse()


def properties_used(node: Node) -> set[str]:
    """Names of every property the filter mentions."""
    out: set[str] = set()

    def scalar(s: Scalar | GeometryLiteral) -> None:
        if isinstance(s, Property):
            out.add(s.name)
        elif isinstance(s, CaseI):
            scalar(s.arg)

    def walk(n: Node) -> None:
        match n:
            case Comparison(_, left, right):
                scalar(left)
                scalar(right)
            case Like(e, p, _):
                scalar(e)
                scalar(p)
            case Between(e, lo, hi, _):
                for s in (e, lo, hi):
                    scalar(s)
            case In(e, items, _):
                scalar(e)
                for s in items:
                    scalar(s)
            case IsNull(e, _):
                scalar(e)
            case Spatial(_, left, right):
                scalar(left)
                scalar(right)
            case And(items) | Or(items):
                for i in items:
                    walk(i)
            case Not(item):
                walk(item)
            case BoolConst():
                pass

    walk(node)
    return out


def map_geometries(node: Node, fn: Callable[[GeometryLiteral], GeometryLiteral]) -> Node:
    """A copy of ``node`` with every geometry literal replaced by ``fn(literal)``."""

    def side(s: Property | GeometryLiteral) -> Property | GeometryLiteral:
        return fn(s) if isinstance(s, GeometryLiteral) else s

    match node:
        case Spatial(op, left, right):
            return Spatial(op, side(left), side(right))
        case And(items):
            return And(tuple(map_geometries(i, fn) for i in items))
        case Or(items):
            return Or(tuple(map_geometries(i, fn) for i in items))
        case Not(item):
            return Not(map_geometries(item, fn))
        case _:
            return node
