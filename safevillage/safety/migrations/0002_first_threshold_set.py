"""The first threshold set: what "very few" and "suppressed" mean until an administrator
adds a newer set. Values written here, not imported from the application, so that the
migration means the same thing whatever the code later becomes."""

import datetime
from decimal import Decimal

from django.db import migrations

FIRST = {
    "version": "2010-1",
    "valid_from": datetime.date(2010, 8, 16),
    # "Very few": at most 2 offences of a criterion per 1,000 residents a year, pro rata.
    "max_offences_per_1000_year": Decimal("2.00"),
    # "Suppressed": every one of them solved.
    "min_solved_percent": Decimal("100.00"),
    "max_traffic_accidents_per_1000_year": Decimal("2.00"),
    "max_traffic_deaths": 0,
    "max_overdue": 0,
    "note": (
        "Initial values: at most 2 offences of a criterion per 1,000 residents a year, every one "
        "solved; at most 2 traffic accidents per 1,000 residents a year and nobody killed; no "
        "complaint or emergency left open past its deadline."
    ),
}


def add(apps, schema_editor):
    ThresholdSet = apps.get_model("safety", "ThresholdSet")
    ThresholdSet.objects.update_or_create(version=FIRST["version"], defaults=FIRST)


def remove(apps, schema_editor):
    apps.get_model("safety", "ThresholdSet").objects.filter(version=FIRST["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_classification")]
    operations = [migrations.RunPython(add, remove)]
