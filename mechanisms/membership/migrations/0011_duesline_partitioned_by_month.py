"""The dues ledger partitioned by month on PostgreSQL.

A province's month is 4M lines written at once. Into one table holding every month they cost the writing of three
indexes entry by entry; into a month's table of its own they are written with no index, whose indexes are then built
in one sort each before the table is attached as the month's partition (``dues.generate``). The primary key becomes
(id, month), as a partitioned table's must hold the partition key; ids stay unique through the parent's identity
sequence. Months with lines get a partition each; lines of a month that has none (paid ahead) go to the default one.
SQLite keeps the one table.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def month_partitions(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        run = cursor.execute
        run("ALTER TABLE membership_duesline RENAME TO membership_duesline_unpartitioned")
        run("ALTER TABLE membership_duesline_unpartitioned "
            "RENAME CONSTRAINT membership_duesline_pkey TO membership_duesline_unpartitioned_pkey")
        run("ALTER TABLE membership_duesline_unpartitioned "
            "RENAME CONSTRAINT dues_line_member_month_unique TO membership_duesline_unpartitioned_unique")
        run("ALTER INDEX membership__month_75cc44_idx RENAME TO membership_duesline_unpartitioned_month")
        run("CREATE TABLE membership_duesline (LIKE membership_duesline_unpartitioned INCLUDING DEFAULTS "
            "INCLUDING IDENTITY) PARTITION BY RANGE (month)")
        run("CREATE TABLE membership_duesline_default PARTITION OF membership_duesline DEFAULT")
        run("SELECT DISTINCT month FROM membership_duesline_unpartitioned ORDER BY month")
        for (month,) in cursor.fetchall():
            following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            run(f"CREATE TABLE membership_duesline_y{month:%Y}m{month:%m} PARTITION OF membership_duesline "
                "FOR VALUES FROM (%s) TO (%s)", [month, following])
        run("INSERT INTO membership_duesline SELECT * FROM membership_duesline_unpartitioned")
        run("DROP TABLE membership_duesline_unpartitioned")
        run("SELECT pg_get_serial_sequence('membership_duesline', 'id')")
        sequence = cursor.fetchone()[0]
        if sequence != "public.membership_duesline_id_seq":
            run(f"ALTER SEQUENCE {sequence} RENAME TO membership_duesline_id_seq")
        run("SELECT setval('membership_duesline_id_seq', COALESCE((SELECT max(id) FROM membership_duesline), 0) + 1, "
            "false)")
        run("ALTER TABLE membership_duesline ADD CONSTRAINT membership_duesline_pkey PRIMARY KEY (id, month)")
        run("ALTER TABLE membership_duesline ADD CONSTRAINT dues_line_member_month_unique UNIQUE (member_id, month)")
        run("CREATE INDEX membership__month_75cc44_idx ON membership_duesline (month, org_path)")


class Migration(migrations.Migration):

    dependencies = [
        ('membership', '0010_duesline_recorded_by_unindexed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='duesline',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        # the model is unchanged: Django reads and writes lines by id as before
        migrations.RunPython(month_partitions, migrations.RunPython.noop, elidable=False),
    ]
