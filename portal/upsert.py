"""The two SQL primitives the ORM has no single statement for.

Raw SQL lives here and nowhere else in the services (docs/adr/0006): each is
one ``INSERT ... ON CONFLICT`` built from a model's own table and column
names, with a locking fallback for databases without it. Neither knows any
rule of the domain: they insert a row or count one up, and the callers
(applications numbering, portal.idempotency) decide what it means.
"""

from __future__ import annotations

from django.db import models, transaction

_UPSERT_VENDORS = ("postgresql", "sqlite")


def _column(model: type[models.Model], connection, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _prepared(model: type[models.Model], connection, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def counter_increment(
    model: type[models.Model], *, keys: dict, field: str, limit: int
) -> int | None:
    """Count ``field`` of the row with ``keys`` up by one; its new value.

    The row is inserted at 1 when missing. A row at ``limit`` is left as it is
    and None returned. One upsert statement that keeps the row locked until
    the caller's transaction ends, exactly as the SELECT ... FOR UPDATE of the
    fallback does, so concurrent callers are served one after the other.
    ``keys`` must be the fields of a unique constraint of ``model``.
    """
    connection = transaction.get_connection()
    if connection.vendor not in _UPSERT_VENDORS:
        return _counter_increment_locked(model, keys=keys, field=field, limit=limit)
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    key_cols = [_column(model, connection, name) for name in keys]
    col = _column(model, connection, field)
    sql = (
        f"INSERT INTO {table} ({', '.join(key_cols)}, {col}) "
        f"VALUES ({', '.join(['%s'] * len(keys))}, 1) "
        f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {col} = {table}.{col} + 1 "
        f"WHERE {table}.{col} < %s RETURNING {col}"
    )
    params = [_prepared(model, connection, name, value) for name, value in keys.items()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        row = cursor.fetchone()
    return row[0] if row else None


def _counter_increment_locked(model, *, keys: dict, field: str, limit: int):
    model.objects.bulk_create([model(**keys)], ignore_conflicts=True)
    counter = model.objects.select_for_update().get(**keys)
    value = getattr(counter, field)
    if value >= limit:
        return None
    setattr(counter, field, value + 1)
    counter.save(update_fields=[field])
    return value + 1


def insert_unless_taken(
    model: type[models.Model], *, values: dict, unique: tuple[str, ...]
) -> int | None:
    """Insert a row of ``model``; its primary key, or None if ``unique`` is taken.

    One INSERT ... ON CONFLICT DO NOTHING: like the get_or_create of the
    fallback, an insert racing an uncommitted one waits for it on the unique
    index, then inserts (the other rolled back) or yields. ``values`` by
    field name (a foreign key by its name, with the related primary key);
    ``unique``: the fields of a unique constraint, all in ``values``.
    """
    connection = transaction.get_connection()
    if connection.vendor not in _UPSERT_VENDORS:
        lookup = {name: values[name] for name in unique}
        defaults = {k: v for k, v in values.items() if k not in unique}
        fk = {
            name: model._meta.get_field(name).attname
            for name in values
            if model._meta.get_field(name).is_relation
        }
        row, created = model.objects.get_or_create(
            **{fk.get(k, k): v for k, v in lookup.items()},
            defaults={fk.get(k, k): v for k, v in defaults.items()},
        )
        return row.pk if created else None
    q = connection.ops.quote_name
    columns = [_column(model, connection, name) for name in values]
    conflict = [_column(model, connection, name) for name in unique]
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING "
        f"RETURNING {q(model._meta.pk.column)}"
    )
    params = [_prepared(model, connection, k, v) for k, v in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
