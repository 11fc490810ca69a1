from django.db import migrations, models

# The kinds as the shipped policy file sets them (load_policy keeps them in step afterwards).
EMERGENCIES = ("disaster", "epidemic")


def set_kinds(apps, schema_editor):
    Category = apps.get_model("policy", "Category")
    Category.objects.filter(is_crime=True).update(closure_kind="crime")
    Category.objects.filter(is_crime=False, code__in=EMERGENCIES).update(closure_kind="emergency")


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="closure_kind",
            field=models.CharField(
                choices=[("crime", "Crime"), ("complaint", "Complaint"), ("emergency", "Disaster or epidemic")],
                default="complaint",
                max_length=16,
                verbose_name="closed as",
            ),
        ),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closure_kind", "crime"), ("is_crime", True)),
                    models.Q(("is_crime", False), models.Q(("closure_kind", "crime"), _negated=True)),
                    _connector="OR",
                ),
                name="category_closed_as_a_crime_only_if_a_crime",
                violation_error_message="A crime, and only a crime, is closed as a crime.",
            ),
        ),
    ]
