"""Each dues base ends where the member's next base begins: the base in force for a month is then one condition on
its row, and a province's month joins the bases without grouping four million of them first."""
from django.db import migrations, models

CHAIN = """
    UPDATE membership_duesbase SET until_month = x.following
    FROM (SELECT id, LEAD(from_month) OVER (PARTITION BY member_id ORDER BY from_month) AS following
          FROM membership_duesbase) x
    WHERE x.id = membership_duesbase.id AND x.following IS NOT NULL"""


class Migration(migrations.Migration):

    dependencies = [
        ('membership', '0011_duesline_partitioned_by_month'),
    ]

    operations = [
        migrations.AddField(
            model_name='duesbase',
            name='until_month',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='until (month, not included)'),
        ),
        migrations.RunSQL(CHAIN, migrations.RunSQL.noop, elidable=False),
    ]
