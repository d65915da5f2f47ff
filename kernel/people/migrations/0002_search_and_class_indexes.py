from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the province benchmark showed were missing (bench/RESULTS.md)."""

    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="people_pers_name_se_4e42c4_idx"),
        migrations.RemoveIndex(model_name="person", name="people_pers_name_in_686b80_idx"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_search", "org_path"], name="person_name_prefix_idx",
                               opclasses=["varchar_pattern_ops", "varchar_ops"]),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_initials", "org_path"], name="person_initials_prefix_idx",
                               opclasses=["varchar_pattern_ops", "varchar_ops"]),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["no_post_class", "status", "org_path", "id"], name="member_class_path_idx"),
        ),
    ]
