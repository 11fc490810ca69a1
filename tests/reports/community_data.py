"""A known set of forums, disputes, training sessions and post means under the district of
Kampong Trabaek (1403), for the reports' community programmes section (test_community and
the schema conformance test read it)."""

from __future__ import annotations

import datetime

import pytest

from safevillage.core.periods import Period
from safevillage.disputes.models import Dispute
from safevillage.forums.models import Forum, ForumIssue
from safevillage.posts.models import BudgetLine, Equipment
from safevillage.training.models import Curriculum, Participant, TrainingSession

Q1 = Period.parse("2026Q1")
# The queries of the community section of any report, whatever the size of the area.
COMMUNITY_QUERIES = 14


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def programmes(places, policy, sokha, dara, vannak):
    """Forums, disputes, training and means under the district of Kampong Trabaek (1403)."""

    def forum(code, held_on, women, men, youth, issues=()):
        made = Forum.objects.create(
            place=places[code],
            held_on=day(held_on),
            organiser="Village chief",
            women=women,
            men=men,
            youth=youth,
            recorded_by=sokha,
        )
        for status in issues:
            ForumIssue.objects.create(forum=made, raised="Street lights", owner="Commune council", status=status)

    forum("14030501", "2026-01-15", 20, 15, 8, issues=["done", "open"])
    forum("14030501", "2026-03-10", 10, 12, 5)
    forum("14030501", "2026-04-20", 9, 9, 3)  # the second quarter
    forum("14030502", "2026-02-10", 5, 7, 2, issues=["in_progress"])
    forum("140305", "2026-03-01", 30, 25, 10)  # the commune's own: not a village's
    forum("14030601", "2026-04-05", 8, 6, 1)  # the neighbour held none in the first quarter

    def dispute(code, opened, closed=None, outcome=""):
        Dispute.objects.create(
            commune=places[code],
            kind="land",
            summary="A boundary between two rice fields",
            mediators="Commune chief",
            opened_on=day(opened),
            closed_on=day(closed) if closed else None,
            outcome=outcome,
            recorded_by=sokha,
        )

    dispute("140305", "2026-01-05", "2026-01-25", "agreement")  # 20 days
    dispute("140305", "2026-02-01", "2026-03-01", "no_agreement")  # 28 days
    dispute("140305", "2026-03-10")  # still open
    dispute("140306", "2026-01-10", "2026-01-20", "agreement")  # 10 days

    curriculum = Curriculum.objects.create(code="harm-reduction", name_km="ការកាត់បន្ថយ", name_en="Harm reduction")

    def session(code, starts_on, max_score, scores):
        made = TrainingSession.objects.create(
            curriculum=curriculum,
            place=places[code],
            kind="course",
            starts_on=day(starts_on),
            ends_on=day(starts_on),
            trainer="FHI 360",
            max_score=max_score,
            recorded_by=vannak,
        )
        for i, (pre, post) in enumerate(scores):
            Participant.objects.create(session=made, name=f"Officer {i}", pre_score=pre, post_score=post)

    # In points of 100: (50 → 70), (60 → 75), and one who missed the test after.
    session("140305", "2026-02-02", 20, [(10, 14), (12, 15), (8, None)])
    # The district's own course: (40 → 60), (60 → 70).
    session("1403", "2026-03-02", 50, [(20, 30), (30, 35)])

    for code, state in (("14030501", "working"), ("14030502", "broken"), ("14030601", "working")):
        Equipment.objects.create(place=places[code], kind="post_box", state=state, checked_on=day("2026-01-10"))
    BudgetLine.objects.create(place=places["140305"], year=2026, heading="Patrols", planned=1_000_000, spent=400_000)
    BudgetLine.objects.create(place=places["1403"], year=2026, heading="Forums", planned=3_000_000, spent=1_500_000)
    return places
