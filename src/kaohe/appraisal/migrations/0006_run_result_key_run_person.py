"""A result's primary key becomes (run, person), which was already unique; the surrogate id goes (ADR 0014).

Django does not migrate a primary key into a composite one, so the database side is written here:
PostgreSQL alters the partitioned table (each partition follows), SQLite rebuilds the table. Existing
rows are kept. Not reversible.
"""

from django.db import migrations, models

TABLE = "appraisal_runresult"
POSTGRESQL = [
    f"ALTER TABLE {TABLE} DROP CONSTRAINT appraisal_runresult_pkey",
    f"ALTER TABLE {TABLE} DROP CONSTRAINT run_result_unique",
    # runs' tables (attached or left by a killed run) took their ids from the parent's sequence, which
    # goes with the parent's id: their defaults go first
    """DO $$ DECLARE t regclass; BEGIN
          FOR t IN SELECT d.adrelid::regclass FROM pg_depend p JOIN pg_attrdef d ON p.objid = d.oid
                   WHERE p.classid = 'pg_attrdef'::regclass
                     AND p.refobjid = pg_get_serial_sequence('appraisal_runresult', 'id')::regclass
                     AND d.adrelid <> 'appraisal_runresult'::regclass
          LOOP
            EXECUTE format('ALTER TABLE %s ALTER COLUMN id DROP DEFAULT', t);
          END LOOP;
        END $$""",
    f"ALTER TABLE {TABLE} DROP COLUMN id",
    f"ALTER TABLE {TABLE} ADD CONSTRAINT appraisal_runresult_pkey PRIMARY KEY (run_id, person_id)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRESQL:
            schema_editor.execute(sql, params=None)
        return
    result = apps.get_model("appraisal", "RunResult")  # as it is after this migration
    columns = ", ".join(schema_editor.quote_name(f.column) for f in result._meta.local_concrete_fields)
    schema_editor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    schema_editor.execute("DROP INDEX IF EXISTS appraisal_r_run_id_448807_idx")  # the new table's index, by name
    schema_editor.create_model(result)
    # names from the model's metadata, nothing from input
    schema_editor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {TABLE}_old")  # noqa: S608  # nosec B608
    schema_editor.execute(f"DROP TABLE {TABLE}_old")


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0005_run_result_partitions")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveConstraint(model_name="runresult", name="run_result_unique"),
            migrations.RemoveField(model_name="runresult", name="id"),
            migrations.AddField(
                model_name="runresult",
                name="pk",
                field=models.CompositePrimaryKey("run", "person", blank=True, editable=False, primary_key=True,
                                                 serialize=False),
            ),
        ]),
        migrations.RunPython(forward),
    ]
