from django.db import migrations


def create_head(apps, schema_editor):
    # The head row exists before any writer: writers only ever lock it, never create it.
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
