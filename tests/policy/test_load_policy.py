"""Installing the policy from its JSON file: complete, idempotent, and all-or-nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.policy.loading import DEFAULT_PATH
from safevillage.policy.models import Category, ContextTag, Criterion, FrameworkVersion

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_policy", *args, stdout=out)
    return out.getvalue()


def shipped() -> dict:
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_loading_installs_both_frameworks_with_their_criteria():
    load()
    assert list(FrameworkVersion.objects.values_list("code", flat=True)) == ["2010", "2021"]
    assert Criterion.objects.filter(framework__code="2010").count() == 5
    assert Criterion.objects.filter(framework__code="2021").count() == 7


def test_each_category_maps_to_its_2010_criterion_and_2021_point():
    load()
    theft = Category.objects.get(code="theft")
    assert (theft.criterion_2010.framework.code, theft.criterion_2010.number) == ("2010", 1)
    assert (theft.point_2021.framework.code, theft.point_2021.number) == ("2021", 2)
    assert (theft.is_crime, theft.iccs_code, theft.mediation_allowed) == (True, "0502", True)
    dispute = Category.objects.get(code="civil_dispute")
    assert dispute.criterion_2010 is None and dispute.point_2021.number == 5


def test_serious_crimes_can_never_be_mediated_and_sensitive_ones_are_marked():
    load()
    for code in ("trafficking", "homicide", "drug_dealing"):
        assert Category.objects.get(code=code).mediation_allowed is False
    assert set(Category.objects.filter(sensitive=True).values_list("code", flat=True)) == {
        "drug_use",
        "trafficking",
        "sexual_exploitation",
        "domestic_violence",
    }


def test_deadlines_come_from_the_file():
    load()
    trafficking = Category.objects.get(code="trafficking")
    assert (trafficking.acknowledge_days, trafficking.first_action_days, trafficking.close_days) == (1, 2, 90)
    assert set(ContextTag.objects.values_list("code", flat=True)) == {"family", "gang", "weapon", "juvenile"}


def test_loading_twice_changes_nothing_and_audits_only_the_first_load():
    load()
    events = AuditEvent.objects.count()
    counts = (FrameworkVersion.objects.count(), Criterion.objects.count(), Category.objects.count())
    output = load()
    assert "0 created, 0 updated" in output
    assert (FrameworkVersion.objects.count(), Criterion.objects.count(), Category.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="policy.load").count() == 1
    assert verify_chain().intact


def test_an_administrators_edit_is_kept_unless_update_is_asked():
    load()
    Category.objects.filter(code="theft").update(close_days=45)
    output = load()
    assert "kept category theft (close_days)" in output
    assert Category.objects.get(code="theft").close_days == 45
    load("--update")
    assert Category.objects.get(code="theft").close_days == 30


def test_an_unknown_criterion_number_is_refused_and_nothing_is_written(tmp_path):
    data = shipped()
    data["categories"][0]["c2010"] = 9
    with pytest.raises(CommandError, match=r"category 'theft': c2010 = 9 is not a criterion of framework 2010"):
        load("--file", write(tmp_path, data))
    assert FrameworkVersion.objects.count() == 0
    assert Category.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_bad_file_changes_nothing_already_installed(tmp_path):
    load()
    data = shipped()
    data["categories"][0]["close_days"] = 99  # ignored key
    data["categories"][0]["days"] = [7, 3, 30]  # decreasing
    data["categories"].append({"code": "new_one", "name_en": "New", "name_km": "ថ្មី", "c2010": None, "p2021": 12})
    with pytest.raises(CommandError) as error:
        load("--file", write(tmp_path, data), "--update")
    message = str(error.value)
    assert "days must not decrease" in message
    assert "p2021 = 12 is not a criterion of framework 2021" in message
    assert "crime must be true or false" in message
    assert not Category.objects.filter(code="new_one").exists()
    assert Category.objects.get(code="theft").acknowledge_days == 1


def test_an_iccs_code_on_a_non_crime_is_refused(tmp_path):
    data = shipped()
    dispute = next(c for c in data["categories"] if c["code"] == "civil_dispute")
    dispute["iccs"] = "0101"
    with pytest.raises(CommandError, match="only a crime has an ICCS code"):
        load("--file", write(tmp_path, data))


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was written"):
        load("--file", str(path))


def test_the_first_load_says_one_line_unless_asked_for_each_row():
    output = load()
    assert output.splitlines() == ["Policy loaded: 39 created, 0 updated, 0 kept as edited, 0 unchanged."]

    Category.objects.filter(code="theft").update(close_days=45)
    verbose = load("--update", "--verbosity", "2")
    assert any(line.startswith("updated category theft") for line in verbose.splitlines())
