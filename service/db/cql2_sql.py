"""service.db.cql2_sql: compile a CQL2 AST to a SQLAlchemy condition.

Only whitelisted columns (the collection's queryables) can be named, every literal is a
bound parameter, and types are checked first so that a mistake is a 400 naming it, not a
database error. Geometry literals arrive in WGS 84 lon/lat (``service.ogc.params``
transforms them from ``filter-crs``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Date, Text, and_, false, func, literal, not_, or_, true

from service.ogc import cql2
from service.ogc.cql2 import CQL2Error

Col = ColumnElement[Any]
# Family of each property type: what it may be compared with.
_FAMILY = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
}
_SPATIAL = {
    "S_INTERSECTS": func.ST_Intersects,
    "S_DISJOINT": func.ST_Disjoint,
    "S_EQUALS": func.ST_Equals,
    "S_TOUCHES": func.ST_Touches,
    "S_WITHIN": func.ST_Within,
    "S_OVERLAPS": func.ST_Overlaps,
    "S_CROSSES": func.ST_Crosses,
    "S_CONTAINS": func.ST_Contains,
}
_OPS = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class _Compiler:
    def __init__(self, columns: Mapping[str, tuple[Col, str]], geom: Col) -> None:
        self.columns = columns
        self.geom = geom

    def node(self, n: cql2.Node) -> Col:
        match n:
            case cql2.And(items):
                return and_(*(self.node(i) for i in items))
            case cql2.Or(items):
                return or_(*(self.node(i) for i in items))
            case cql2.Not(item):
                return not_(self.node(item))
            case cql2.BoolConst(value):
                return true() if value else false()
            case cql2.Comparison(op, left, right):
                family = self._family(left, right, op)
                a, b = self.scalar(left, family), self.scalar(right, family)
                return _OPS[op](a, b)
            case cql2.Like(expr, pattern, negated):
                self._family(expr, pattern, "LIKE", only=("string",))
                cond = self.scalar(expr, "string").like(self.scalar(pattern, "string"))
                return not_(cond) if negated else cond
            case cql2.Between(expr, low, high, negated):
                family = self._family(expr, low, "BETWEEN", only=("number", "date", "string"))
                self._family(expr, high, "BETWEEN")
                col = self.scalar(expr, family)
                cond = col.between(self.scalar(low, family), self.scalar(high, family))
                return not_(cond) if negated else cond
            case cql2.In(expr, items, negated):
                family = self._family(expr, items[0], "IN")
                for other in items[1:]:
                    self._family(expr, other, "IN")
                col = self.scalar(expr, family)
                cond = col.in_([self.scalar(i, family) for i in items])
                return not_(cond) if negated else cond
            case cql2.IsNull(expr, negated):
                col = self.scalar(expr, self._family_of(expr) or "string")
                return col.is_not(None) if negated else col.is_(None)
            case cql2.Spatial(op, left, right):
                return _SPATIAL[op](self.geometry(left), self.geometry(right))
        raise CQL2Error(f"filter: unsupported expression {n!r}")  # pragma: no cover

    # types
    def _family_of(self, s: cql2.Scalar) -> str | None:
        match s:
            case cql2.Property(name):
                return _FAMILY[self._column(name)[1]]
            case cql2.CaseI(arg):
                fam = self._family_of(arg)
                if fam not in (None, "string"):
                    raise CQL2Error("filter: CASEI() applies to strings only")
                return "string"
            case cql2.Literal(_, kind):
                return {"timestamp": "date"}.get(kind, kind)
        return None  # pragma: no cover

    def _family(
        self,
        a: cql2.Scalar,
        b: cql2.Scalar,
        op: str,
        only: tuple[str, ...] | None = None,
    ) -> str:
        fa, fb = self._family_of(a), self._family_of(b)
        # A date property may be compared with a 'YYYY-MM-DD' string literal.
        if {fa, fb} == {"date", "string"}:
            lit = b if fa == "date" else a
            if isinstance(lit, cql2.Literal) and isinstance(lit.value, str):
                try:
                    dt.date.fromisoformat(lit.value)
                    fa = fb = "date"
                except ValueError:
                    pass
        if fa != fb:
            raise CQL2Error(f"filter: {op} compares a {fa} with a {fb} ({_show(a)}, {_show(b)})")
        assert fa is not None
        if only is not None and fa not in only:
            raise CQL2Error(f"filter: {op} does not apply to {fa} values ({_show(a)})")
        return fa

    def _column(self, name: str) -> tuple[Col, str]:
        if name == "geometry":
            raise CQL2Error("filter: geometry can only be used in spatial functions")
        try:
            return self.columns[name]
        except KeyError:
            raise CQL2Error(f"filter: {name!r} is not a queryable") from None

    # values
    def scalar(self, s: cql2.Scalar, family: str) -> Col:
        match s:
            case cql2.Property(name):
                return self._column(name)[0]
            case cql2.CaseI(arg):
                return func.lower(self.scalar(arg, "string"))
            case cql2.Literal(value, _):
                if family == "date":
                    if isinstance(value, dt.datetime):
                        value = value.date()
                    elif isinstance(value, str):
                        value = dt.date.fromisoformat(value)
                    return literal(value, Date)
                if family == "string":
                    return literal(value, Text)
                return literal(value)
        raise CQL2Error(f"filter: unsupported value {s!r}")  # pragma: no cover

    def geometry(self, g: cql2.Property | cql2.GeometryLiteral) -> Col:
        if isinstance(g, cql2.Property):
            if g.name != "geometry":
                raise CQL2Error(
                    f"filter: spatial functions take the property 'geometry', not {g.name!r}"
                )
            return self.geom
        # Immutable on a constant: PostgreSQL evaluates it once, at planning.
        return func.ST_MakeValid(func.ST_GeomFromText(literal(g.wkt(), Text), 4326))


def _show(s: cql2.Scalar) -> str:
    match s:
        case cql2.Property(name):
            return name
        case cql2.Literal(value, _):
            return repr(value)
        case cql2.CaseI(arg):
            return f"CASEI({_show(arg)})"
    return "?"  # pragma: no cover


def compile_filter(node: cql2.Node, columns: Mapping[str, tuple[Col, str]], geom: Col) -> Col:
    """The SQL condition of a parsed filter over ``columns`` (name → (column, JSON type))."""
    return _Compiler(columns, geom).node(node)
