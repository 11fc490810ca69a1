"""Recording a training session and loading its scores through the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safevillage.audit.models import AuditEvent
from safevillage.training.models import Curriculum, Participant, QuestionResult, TrainingSession

SCORES = (
    "name,username,pre,post,retention,q1_pre,q1_post\n"
    "Officer A,,18,27,25,0,1\n"
    "Officer B,sokha,20,26,,1,1\n"
    "Officer C,,22,28,,,\n"
    "Officer D,,19,25,,,\n"
    "Officer E,,21,28,26,,\n"
)


@pytest.fixture
def curriculum(db):
    return Curriculum.objects.create(code="harm-reduction", name_km="ការកាត់បន្ថយគ្រោះថ្នាក់", name_en="Harm reduction")


@pytest.fixture
def session(curriculum, places, vannak):
    return TrainingSession.objects.create(
        curriculum=curriculum,
        place=places["1403"],
        kind="course",
        starts_on="2026-03-02",
        ends_on="2026-03-06",
        trainer="FHI 360",
        max_score=33,
        recorded_by=vannak,
    )


def session_form(curriculum, **overrides):
    data = {
        "curriculum": str(curriculum.pk),
        "place": "1403",
        "kind": "course",
        "starts_on_day": "2",
        "starts_on_month": "3",
        "starts_on_year": "2026",
        "ends_on_day": "6",
        "ends_on_month": "3",
        "ends_on_year": "2026",
        "trainer": "FHI 360",
        "max_score": "33",
    }
    return data | overrides


def test_the_district_records_a_session_in_its_district_only(client, vannak, curriculum):
    client.force_login(vannak)
    response = client.post(reverse("training:new"), session_form(curriculum))
    assert response.status_code == 302
    assert TrainingSession.objects.get().place.code == "1403"
    assert AuditEvent.objects.filter(action="training.session").count() == 1
    elsewhere = client.post(reverse("training:new"), session_form(curriculum, place="1404"))
    assert elsewhere.status_code == 400
    assert "No place under you has this code." in elsewhere.content.decode()
    backwards = client.post(reverse("training:new"), session_form(curriculum, ends_on_day="1"))
    assert "The last day cannot come before the first." in backwards.content.decode()


def test_scores_load_and_the_analysis_shows_the_increase(client, vannak, sokha, session):
    client.force_login(vannak)
    upload = SimpleUploadedFile("scores.csv", SCORES.encode(), content_type="text/csv")
    response = client.post(reverse("training:scores", args=[session.pk]), {"file": upload})
    assert response.status_code == 302
    assert Participant.objects.filter(session=session).count() == 5
    assert Participant.objects.get(name="Officer B").officer == sokha
    assert QuestionResult.objects.filter(participant__session=session).count() == 4
    page = client.get(reverse("training:detail", args=[session.pk])).content.decode()
    assert "34 %" in page
    assert "5.2" in page and "8.4" in page  # the 95 % interval of the mean gain
    assert AuditEvent.objects.filter(action="training.scores").get().new["participants"] == 5


def test_a_file_with_a_bad_line_loads_nothing_and_names_the_line(client, vannak, session):
    client.force_login(vannak)
    bad = "name,pre,post\nOfficer A,18,27\nOfficer B,40,26\nOfficer C,x,1\n,10,12\n"
    response = client.post(
        reverse("training:scores", args=[session.pk]), {"file": SimpleUploadedFile("s.csv", bad.encode())}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Line 3: pre 40 is outside 0 to 33." in text
    assert "Line 4: pre “x” is not a number." in text
    assert "Line 5: no name." in text
    assert not Participant.objects.exists()


def test_others_see_nothing(client, dara, sokha, session):
    for user in (dara, sokha):  # commune police: no training pages
        client.force_login(user)
        assert client.get(reverse("training:detail", args=[session.pk])).status_code == 404
        assert client.get(reverse("training:index")).status_code == 404
