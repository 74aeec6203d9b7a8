"""Rows made by the database itself: one `INSERT … SELECT` per table over a series of numbers.

The benchmark's catalog (100 000 products, half a million SKUs, a million orders) is generated
where it is stored: numbers come from `generate_series` on PostgreSQL (a recursive CTE on SQLite,
for the tests), every value is a function of its row's number, so no row crosses the wire and a
reload gives the same shop. Columns a statement leaves out get what `save()` would give them: the
field's default, or the current time for auto_now fields.
"""

from django.db import connection
from django.db.models import NOT_PROVIDED
from django.utils import timezone


def numbers(alias, count):
    """(FROM item, params): the integers 1..count as `<alias>.n`."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, %s) AS {alias}(n)", [count]
    series = "WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < %s)"
    return f"({series} SELECT n FROM series) AS {alias}", [count]


def literal_rows(alias, columns, rows):
    """(FROM item, params): `rows` (tuples in the order of `columns`) as a table named `alias`."""
    first = ", ".join(f"%s AS {column}" for column in columns)
    rest = ", ".join("%s" for _ in columns)
    selects = [f"SELECT {first}", *(f"SELECT {rest}" for _ in rows[1:])]
    return f"({' UNION ALL '.join(selects)}) AS {alias}", [value for row in rows for value in row]


def minutes_before(moment, minutes_sql):
    """(SQL, params): the timestamp `minutes_sql` minutes before `moment`."""
    value = connection.ops.adapt_datetimefield_value(moment)
    if connection.vendor == "postgresql":
        return f"(%s::timestamptz - ({minutes_sql}) * interval '1 minute')", [value]
    return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '-' || ({minutes_sql}) || ' minutes')", [value]


def _left_out(model, given):
    """(column, value) of every concrete field `given` does not name, as `save()` would fill it."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    filled = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or getattr(field, "generated", False):
            continue
        if field.db_default is not NOT_PROVIDED:
            continue
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if automatic else field.get_db_prep_save(field.get_default(), connection)
        filled.append((field.column, value))
    return filled


def insert_select(model, values, source, params=()):
    """`INSERT INTO <model's table> SELECT <values> FROM <source>`; returns the rows inserted.

    `values` maps attribute names to SQL expressions, each a string or an (SQL, params) pair;
    `source` is the statement's FROM clause onwards (joins, WHERE), with `params`.
    """
    quote = connection.ops.quote_name
    meta = model._meta
    columns, selects, select_params = [], [], []
    for attname, expression in values.items():
        sql, expression_params = expression if isinstance(expression, tuple) else (expression, [])
        columns.append(meta.get_field(attname).column if attname != "pk" else meta.pk.column)
        selects.append(sql)
        select_params.extend(expression_params)
    for column, value in _left_out(model, values):
        columns.append(column)
        selects.append("%s")
        select_params.append(value)
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(selects)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*select_params, *params])
        return cursor.rowcount
