"""Writing a run's result rows. On PostgreSQL the result table is partitioned by run (ADR 0013): a run's
rows are copied into a bare table of their own, which is then attached as the run's partition. Attaching
builds the partition's indexes by one sort each, instead of 7 million random B-tree inserts (on the
2-core machine: 94 s to insert a nation into the indexed table, 28 s into a bare one). All of it
happens in the caller's transaction, so a run that fails leaves no table behind.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection

from kaohe.appraisal.models import RunResult
from kaohe.core.bulk import copy_columns

#: memory for the sorts that build a partition's indexes (this transaction only)
INDEX_BUILD_MEMORY = "1GB"


def partition_name(run_id: int) -> str:
    return f"{RunResult._meta.db_table}_run{int(run_id)}"


def results_write(run_id: int, partitions: Iterable[Mapping[str, Any]]) -> int:
    """Write the result columns of each of a run's partitions; returns the number of rows."""
    if connection.vendor != "postgresql":
        return sum(copy_columns(RunResult, columns) for columns in partitions)
    parent, table = RunResult._meta.db_table, partition_name(run_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [parent])
        (sequence,) = cursor.fetchone()
        # names from model metadata and the catalogue, the run id an int: nothing from input
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # a left-over of a run id reused (tests flush)
        cursor.execute(f"CREATE TABLE {table} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
                       f"CHECK (run_id = {int(run_id)}))")
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{sequence}'::regclass)")
    count = sum(copy_columns(RunResult, columns, table=table) for columns in partitions)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES IN ({int(run_id)})")
    return count
