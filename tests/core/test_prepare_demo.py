"""``manage.py prepare_demo`` (make run): a line or a table for each thing loaded, in the
terminal's language, and nothing loaded twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safevillage.accounts.models import User
from safevillage.audit.models import AuditEvent
from safevillage.incidents.models import Incident

# The demo records are committed chunk by chunk, outside any transaction.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "referrals"])


def prepare(*args: str) -> list[str]:
    out = StringIO()
    call_command("prepare_demo", "--incidents", "200", *args, stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


def test_make_run_says_what_it_loaded_once_and_again_in_khmer(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    settings.PROJECT_DIR = tmp_path  # the defects file goes to its var/
    monkeypatch.chdir(tmp_path)

    lines = prepare("--language", "en")

    assert lines[0].startswith("Gazetteer: 16401 places from the MEF 2025 list (16401 new, 0 updated): 25 provinces,")
    assert lines[1] == (
        "Gazetteer defects: 71 lines of the list refused (46 duplicate code, 16 parent not loaded, "
        "9 code not numeric or of the wrong length), 23 warnings; see var/gazetteer-defects.csv"
    )
    assert (tmp_path / "var" / "gazetteer-defects.csv").exists()
    assert lines[2] == "Policy loaded: 39 created, 0 updated, 0 kept as edited, 0 unchanged."
    accounts = User.objects.filter(username__startswith="demo.").count()
    assert lines[3].startswith(f"Demo accounts: {accounts} ({accounts} created, 0 already there")
    assert "each of the 13 communes of 1403 Kampong Trabaek / កំពង់ត្របែក" in lines[3]
    assert lines[4].split() == ["username", "role", "(English)", "role", "(Khmer)", "place"]
    assert lines[-2].startswith("200 synthetic records")
    assert lines[-1] == "Referrals: one Rapid Response Team and two service providers loaded."
    # four summaries, the table's head and rows, the records, the referrals
    assert len(lines) == 4 + 2 + accounts + 2
    events = AuditEvent.objects.count()

    again = prepare("--language", "km", "--serving-at", "http://127.0.0.1:8000/")

    assert again[0].startswith("បញ្ជីទីតាំងរដ្ឋបាល៖ ទីកន្លែង 16401 ពីបញ្ជី MEF ឆ្នាំ 2025 (ថ្មី 0,")
    assert "បន្ទាត់ 71 នៃបញ្ជីត្រូវបានបដិសេធ" in again[1]
    assert again[2].startswith("បានផ្ទុកគោលនយោបាយ៖ បានបង្កើត 0,")
    assert again[3].startswith(f"គណនីសាកល្បង៖ {accounts} (បានបង្កើត 0,")
    assert again[-3] == "ការបញ្ជូន៖ ក្រុម និងអ្នកផ្ដល់សេវាសាកល្បង បានផ្ទុករួចហើយ។"
    assert again[-4] == "កំណត់ត្រាសាកល្បង៖ បញ្ជីមានកំណត់ត្រា 200 រួចហើយ មិនបានបន្ថែមទេ។"
    assert again[-1] == "SafeVillage កំពុងចាប់ផ្ដើមនៅ http://127.0.0.1:8000/  (Ctrl-C ដើម្បីបញ្ឈប់)"
    assert (AuditEvent.objects.count(), Incident.objects.count()) == (events, 200)
