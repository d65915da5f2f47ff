"""Writes row tuples into the registry tables: COPY on PostgreSQL, bulk_create elsewhere.

Rows carry explicit primary keys (the generator hands them out), so rows of
different tables can reference each other before anything is written. Columns the
generator does not know get the model field's default, and the timestamps one value.
"""
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone


class Writer:
    def __init__(self, batch_size: int = 2000):
        self.batch_size = batch_size
        self.now = timezone.now()
        self.written: dict[str, int] = {}
        self._models = []

    def _extra(self, model, columns):
        """The fields missing from ``columns`` with the value each row gets."""
        extra = []
        for f in model._meta.concrete_fields:
            if f.attname in columns:
                continue
            value = self.now if f.attname in ("created_at", "updated_at") else f.get_default()
            extra.append((f, value))
        return extra

    def write(self, model, columns, rows) -> None:
        if not rows:
            return
        if model not in self._models:
            self._models.append(model)
        self._write(model, columns, rows, self._extra(model, columns))
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + len(rows)

    def finish(self) -> None:
        """Moves the id sequences past the ids handed out."""
        statements = connection.ops.sequence_reset_sql(no_style(), self._models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class ExecuteManyWriter(Writer):
    """Plain multi-row INSERTs through the DB-API: several times faster than bulk_create on SQLite."""

    def _write(self, model, columns, rows, extra) -> None:
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        targets = [fields[c] for c in columns]
        converters = [(i, self._converter(f)) for i, f in enumerate(targets) if self._converter(f)]
        values = tuple(f.get_db_prep_save(v, connection) for f, v in extra)
        names = [f.column for f in targets] + [f.column for f, _v in extra]
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) "
               f"VALUES ({', '.join(['%s'] * len(names))})")
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch_size):
                batch = []
                for row in rows[start:start + self.batch_size]:
                    row = list(row)
                    for i, convert in converters:
                        if row[i] is not None:
                            row[i] = convert(row[i])
                    batch.append((*row, *values))
                cursor.executemany(sql, batch)

    @staticmethod
    def _converter(field):
        kind = field.get_internal_type()
        if kind == "DateField":
            return connection.ops.adapt_datefield_value
        if kind == "DateTimeField":
            return connection.ops.adapt_datetimefield_value
        return None


class CopyWriter(Writer):
    """COPY into the tables; ``without_indexes`` drops their secondary indexes and constraints for the load
    and rebuilds them in one pass each afterwards, which is several times faster than keeping them up to date."""

    def __init__(self, batch_size: int = 2000):
        super().__init__(batch_size)
        self._dropped: list[str] = []

    def without_indexes(self, models) -> None:
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', c.conrelid::regclass::text, c.conname,"
                " pg_get_constraintdef(c.oid)), format('ALTER TABLE %%I DROP CONSTRAINT %%I',"
                " c.conrelid::regclass::text, c.conname)"
                " FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')"
                " ORDER BY c.contype DESC, c.conname", [tables])
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %%I', i.indexrelid::regclass::text)"
                " FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
                " ORDER BY 1", [tables])
            indexes = cursor.fetchall()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending rows now: ALTER TABLE refuses to wait
            for _create, drop in constraints[::-1] + indexes:
                cursor.execute(drop)
        # unique constraints before the foreign keys that may rely on them
        self._dropped = [create for create, _drop in indexes] + [create for create, _d in constraints]

    def restore_indexes(self, progress=lambda message: None) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in self._dropped:
                cursor.execute(sql)
                progress(sql.split(" USING ")[0][:100])
            for model in self._models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self._dropped = []

    def _write(self, model, columns, rows, extra) -> None:
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        names = [fields[c].column for c in columns] + [f.column for f, _v in extra]
        values = tuple(f.get_db_prep_save(v, connection) for f, v in extra)
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write((*row, *values))


def make_writer() -> Writer:
    return CopyWriter() if connection.vendor == "postgresql" else ExecuteManyWriter()


def first_free_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
