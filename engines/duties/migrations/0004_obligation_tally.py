from django.db import migrations


def install(apps, schema_editor):
    from engines.duties import tally

    vendor = schema_editor.connection.vendor
    for statement in tally.install(vendor):
        schema_editor.execute(statement, params=None)
    with schema_editor.connection.cursor() as cursor:
        columns = ", ".join(tally.STATES)
        cursor.execute(f"INSERT INTO {tally.TABLE} (rule_id, year, org_path, {columns}) {tally.live_sql(vendor)}")


def uninstall(apps, schema_editor):
    from engines.duties import tally

    for statement in tally.uninstall(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('duties', '0003_obligation_bulk_keys'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
