"""Set-based writes of planned rows: COPY into a staging table and one INSERT and one UPDATE per table on
PostgreSQL; multi-row statements elsewhere. Rows are dicts keyed like kernel.core.changelog.snapshot (field names,
foreign keys as ids) and carry their primary key, reserved beforehand with ``reserve_ids``.
"""
import json

from django.db import connection
from django.db.models import Max
from django.utils import timezone

_AUTO_TIMES = ("created_at", "updated_at")


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys. On SQLite the write transaction holds the database lock, so max + 1 is safe."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
    first = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    return list(range(first, first + count))


def _fields(model):
    return [f for f in model._meta.concrete_fields]


def _value(field, row: dict, now):
    if field.name in _AUTO_TIMES:
        return now
    value = row.get(field.name)
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "JSONField":
        return json.dumps(value, ensure_ascii=False)
    if kind == "DateTimeField" and connection.vendor != "postgresql":
        return connection.ops.adapt_datetimefield_value(value)
    if kind == "DateField" and connection.vendor != "postgresql":
        return connection.ops.adapt_datefield_value(value)
    return value


def write(model, new_rows: list[dict], changed_rows: list[dict] = (), *, update_fields=None) -> None:
    """Inserts ``new_rows`` and overwrites ``update_fields`` (default: every field but the creation time)
    of ``changed_rows``, matched on the primary key."""
    if not new_rows and not changed_rows:
        return
    now = timezone.now()
    fields = _fields(model)
    if update_fields is None:
        update_fields = [f.name for f in fields if not f.primary_key and f.name != "created_at"]
    else:
        update_fields = [*update_fields, "updated_at"] if hasattr(model, "updated_at") else list(update_fields)
    if connection.vendor == "postgresql":
        _write_postgresql(model, fields, new_rows, changed_rows, update_fields, now)
    else:
        _write_plain(model, fields, new_rows, changed_rows, update_fields, now)


def _write_postgresql(model, fields, new_rows, changed_rows, update_fields, now):
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    stage = quote(f"stage_{model._meta.db_table}")
    columns = [quote(f.column) for f in fields]
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {column_list} FROM {table} WITH NO DATA")
        cursor.execute(f"ALTER TABLE {stage} ADD COLUMN is_new boolean NOT NULL DEFAULT true")
        with cursor.cursor.copy(f"COPY {stage} ({column_list}, is_new) FROM STDIN") as copy:
            for is_new, rows in ((True, new_rows), (False, changed_rows)):
                for row in rows:
                    copy.write_row([*(_value(f, row, now) for f in fields), is_new])
        if new_rows:
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {stage} WHERE is_new")
        if changed_rows:
            by_name = {f.name: f for f in fields}
            assignments = ", ".join(f"{quote(by_name[n].column)} = s.{quote(by_name[n].column)}" for n in update_fields)
            pk = quote(model._meta.pk.column)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {stage} AS s WHERE NOT s.is_new AND t.{pk} = s.{pk}")
        cursor.execute(f"DROP TABLE {stage}")


def _write_plain(model, fields, new_rows, changed_rows, update_fields, now, batch: int = 500):
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if new_rows:
            names = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            for start in range(0, len(new_rows), batch):
                cursor.executemany(sql, [[_value(f, row, now) for f in fields]
                                         for row in new_rows[start:start + batch]])
        if changed_rows:
            by_name = {f.name: f for f in fields}
            targets = [by_name[n] for n in update_fields]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in targets)
            sql = f"UPDATE {table} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
            for start in range(0, len(changed_rows), batch):
                cursor.executemany(sql, [[*(_value(f, row, now) for f in targets), row["id"]]
                                         for row in changed_rows[start:start + batch]])
