"""Reading the repository query conditions Sokovan builds (``SessionConditions.by_ids(...)`` and
friends), so the in-memory repository can answer a ``BatchQuerier``.

A condition is a closure returning a SQLAlchemy expression. Only the two shapes the scheduler's
handlers use are understood, ``column == value`` and ``column IN (values)``; anything else raises,
naming the expression, instead of being guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ColumnElement

Condition = Callable[[], ColumnElement[bool]]


class UnsupportedCondition(NotImplementedError):
    pass


def _column_key(expr: BinaryExpression) -> str:
    left = expr.left
    table = getattr(getattr(left, "table", None), "name", None)
    name = getattr(left, "key", None)
    if table is None or name is None:
        raise UnsupportedCondition(f"condition on something other than a column: {expr}")
    return f"{table}.{name}"


def _bound_value(expr: BinaryExpression) -> Any:
    right = expr.right
    if isinstance(right, BindParameter):
        return right.value if right.callable is None else right.callable()
    raise UnsupportedCondition(f"condition compares against a non-literal: {expr}")


def matches(conditions: Iterable[Condition], row: Mapping[str, Any]) -> bool:
    """Whether ``row`` (column key "table.column" -> value) satisfies every condition."""
    for condition in conditions:
        expr = condition()
        if not isinstance(expr, BinaryExpression):
            raise UnsupportedCondition(f"unsupported condition: {expr}")
        key = _column_key(expr)
        if key not in row:
            raise UnsupportedCondition(f"the in-memory repository has no column {key!r} (condition {expr})")
        value = _bound_value(expr)
        if expr.operator is operators.eq:
            ok = row[key] == value
        elif expr.operator is operators.in_op:
            ok = row[key] in set(value)
        else:
            raise UnsupportedCondition(f"unsupported operator {expr.operator} in {expr}")
        if not ok:
            return False
    return True
