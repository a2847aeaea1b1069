"""INSERT ... SELECT of an ORM-compiled query: the roll-up's bulk write.

The SELECT is built and compiled by the ORM for the current backend
(PostgreSQL, or make run's SQLite); only the INSERT INTO prefix is written
here. The cells are aggregates of many facts: computing them in the
database and writing them where they are computed avoids carrying every
cell through Python (a full rebuild writes about one cell per application).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def insert_select(model, columns: list[str], queryset: QuerySet) -> int:
    """Insert the rows ``queryset`` selects into ``model``'s ``columns`` (in the
    order of its SELECT list, which must match); the number of rows written."""
    query = queryset.query
    if len(query.values_select) + len(query.annotation_select) != len(columns):
        raise ValueError("the SELECT list and the columns differ in length")
    sql, params = query.sql_with_params()
    qn = connection.ops.quote_name
    target = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({target}) {sql}", params
        )
        return cursor.rowcount
