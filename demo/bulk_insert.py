"""Inserting many rows at once: COPY on PostgreSQL, `bulk_create` on other databases.

Rows are plain tuples in the order of the `columns` given (attribute names such as `product_id`);
building a model instance per row and sending it through `bulk_create` costs more than the rest
of a large demo catalog together, so PostgreSQL gets the rows streamed through COPY instead.
Fields left out get their default, and auto_now fields the current time, on either path.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

BATCH = 2000  # rows per INSERT where COPY is not available


def insert_rows(model, columns, rows, *, return_ids=False):
    """Insert `rows`; the new primary keys in row order when `return_ids`, else an empty list."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows, return_ids=return_ids)
    objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    return [obj.pk for obj in objs] if return_ids else []


def _left_out(model, columns):
    """(attname, value) of every field `columns` does not name, as `save()` would fill it in."""
    now = timezone.now()
    filled = []
    for field in model._meta.concrete_fields:
        # A column with a database default (the pictures' `renditions`) is the database's to fill.
        if field.primary_key or field.attname in columns or field.has_db_default():
            continue
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        filled.append((field.attname, now if automatic else field.get_default()))
    return filled


def _copy(model, columns, rows, *, return_ids):
    meta = model._meta
    quote = connection.ops.quote_name
    left_out = _left_out(model, columns)
    names = [*columns, *(name for name, _ in left_out)]
    constants = tuple(value for _, value in left_out)
    ids = []
    with connection.cursor() as cursor:
        if return_ids:
            # Take the keys from the table's own sequence, so later inserts continue after them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            names.insert(0, meta.pk.attname)
        column_list = ", ".join(quote(meta.get_field(name).column) for name in names)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({column_list}) FROM STDIN") as copy:
            if return_ids:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row, *constants))
            else:
                for row in rows:
                    copy.write_row((*row, *constants))
    return ids


class ChunkWriter:
    """Writes chunks of rows, each in a transaction of its own, overlapping the caller's next chunk.

    On PostgreSQL, outside any transaction, a worker thread with a connection of its own writes
    one chunk while the caller prepares the next, so Python and the database each keep a core
    busy. Inside a transaction (as in tests) a second connection could not see the caller's
    uncommitted rows, so there, and on other databases, each chunk is written in place.
    """

    def __init__(self, write):
        self._write = write
        self._pool = None
        self._pending = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed-writer")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._pool is None:
            return
        try:
            self._wait()
        finally:
            # The worker's connection belongs to its thread: close it there.
            self._pool.submit(lambda: connection.close()).result()
            self._pool.shutdown()

    def write(self, *args):
        """Write one chunk; in the background, first wait for the chunk before it."""
        if self._pool is None:
            self._write_in_transaction(*args)
            return
        self._wait()
        self._pending = self._pool.submit(self._write_in_transaction, *args)

    def _write_in_transaction(self, *args):
        with transaction.atomic():
            self._write(*args)

    def _wait(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
