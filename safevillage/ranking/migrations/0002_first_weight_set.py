"""The first weight set: how much each indicator counts until an administrator adds a newer
set. Values written here, not imported from the application, so that the migration means
the same thing whatever the code later becomes."""

import datetime
from decimal import Decimal

from django.db import migrations

FIRST = {
    "version": "2010-1",
    "valid_from": datetime.date(2010, 8, 16),
    "offence_rate": Decimal("3.00"),
    "solved": Decimal("2.00"),
    "overdue": Decimal("1.00"),
    "forums": Decimal("1.00"),
    "confirmed": Decimal("1.00"),
    "completeness": Decimal("2.00"),
    "timeliness": Decimal("1.00"),
    "officer_solved": Decimal("2.00"),
    "officer_overdue": Decimal("1.00"),
    "interval_percent": 90,
    "note": (
        "Initial values. The offence rate counts most, but a low rate must not pay by itself: "
        "reports submitted (and on time), offences solved, complaints the citizen confirmed "
        "resolved, forums held and records not left overdue together count for more than it."
    ),
}


def add(apps, schema_editor):
    WeightSet = apps.get_model("ranking", "WeightSet")
    WeightSet.objects.update_or_create(version=FIRST["version"], defaults=FIRST)


def remove(apps, schema_editor):
    apps.get_model("ranking", "WeightSet").objects.filter(version=FIRST["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("ranking", "0001_weights_and_results")]
    operations = [migrations.RunPython(add, remove)]
