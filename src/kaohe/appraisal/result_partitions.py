"""Writing a run's result rows. On PostgreSQL the result table is partitioned by run (ADR 0013): a run's
rows are copied into a bare table of their own, which is then attached as the run's partition. Attaching
builds the partition's indexes by one sort each, instead of 7 million random B-tree inserts (on the
2-core machine: 94 s to insert a nation into the indexed table, 28 s into a bare one).

The bare table is filled partition by partition while the run scores the next one (ADR 0014), so the
database copies while the engine computes; only the attach is in the run's transaction. Until then no
reader sees the rows: the result table reads through its parent. A run that fails drops its bare table;
a killed one leaves it until its task is delivered again (the run starts by dropping it).
"""

from collections.abc import Mapping
from typing import Any

from django.db import connection
from psycopg.pq import TransactionStatus

from kaohe.appraisal.models import RunResult
from kaohe.core.bulk import copy_columns

#: memory for the sorts that build a partition's indexes (this transaction only)
INDEX_BUILD_MEMORY = "1GB"


def partition_name(run_id: int) -> str:
    return f"{RunResult._meta.db_table}_run{int(run_id)}"


class RunResultTable:
    """A run's result rows on their way in: `add` each partition's columns as it is scored, then
    `attach` inside the run's transaction (or `discard` if the run failed).

    Other databases keep the columns and insert them all at `attach`.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id, self.name = int(run_id), partition_name(run_id)
        self.partitioned = connection.vendor == "postgresql"
        self.kept: list[Mapping[str, Any]] = []
        self.count = 0
        if not self.partitioned:
            return
        with connection.cursor() as cursor:
            # names from model metadata, the run id an int: nothing from input
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")  # a killed attempt's, or a run id reused (tests flush)
            cursor.execute(f"CREATE TABLE {self.name} (LIKE {RunResult._meta.db_table} INCLUDING DEFAULTS "
                           f"INCLUDING CONSTRAINTS, CHECK (run_id = {self.run_id}))")

    def add(self, columns: Mapping[str, Any]) -> None:
        if self.partitioned:
            self.count += copy_columns(RunResult, columns, table=self.name)
        else:
            self.kept.append(columns)

    def attach(self) -> int:
        """Make the rows the run's results (call inside the run's transaction); returns the number of rows."""
        if not self.partitioned:
            return sum(copy_columns(RunResult, columns) for columns in self.kept)
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            cursor.execute(f"ALTER TABLE {RunResult._meta.db_table} ATTACH PARTITION {self.name} "
                           f"FOR VALUES IN ({self.run_id})")
        return self.count

    def discard(self) -> None:
        """Drop the rows of a run that failed. In a transaction that has failed, the table goes with its
        rollback (it was created in that transaction)."""
        if self.partitioned and not connection.needs_rollback and _transaction_usable():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


def _transaction_usable() -> bool:
    return bool(connection.connection.info.transaction_status != TransactionStatus.INERROR)
