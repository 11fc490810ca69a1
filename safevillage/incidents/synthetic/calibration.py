"""The figures the synthetic register is calibrated on: national volumes per kind of case,
the mix of categories, seasons, hours, channels, durations and outcomes. Sources and
assumptions are named beside each figure."""

from __future__ import annotations

from collections.abc import Sequence

DAY = 86_400
HOUR = 3_600

# --- calibration ------------------------------------------------------------------------
# Cases a year nationally, per kind of case, around 2022 to 2024 (shared/data README: press
# reports of official figures). "complaint" is an assumption: the sources say only "many
# times more numerous than criminal cases"; eight times is taken.
GROUP_PER_YEAR = {"crime": 3_300.0, "drug": 8_500.0, "traffic": 3_000.0, "complaint": 26_400.0}
# Growth a year, applied backwards from the end year: drug cases grew fastest (6,390 in 2022,
# 10,630 in 2024); road accidents slowly fell; more channels bring more complaints.
GROUP_TREND = {"crime": 1.01, "drug": 1.10, "traffic": 0.98, "complaint": 1.04}

# Category code -> (kind of case, share of its kind). Categories not listed here (added by
# an administrator) get no synthetic records; missing ones are left out and the rest rescaled.
CATEGORY_MIX: dict[str, tuple[str, float]] = {
    "theft": ("crime", 0.33),
    "snatching": ("crime", 0.08),
    "robbery": ("crime", 0.05),
    "burglary": ("crime", 0.10),
    "domestic_violence": ("crime", 0.12),
    "assault": ("crime", 0.15),
    "homicide": ("crime", 0.02),
    "trafficking": ("crime", 0.015),
    "sexual_exploitation": ("crime", 0.015),
    "gang_activity": ("crime", 0.02),
    "illegal_gambling": ("crime", 0.06),
    "illegal_weapons": ("crime", 0.03),
    "drug_use": ("drug", 0.65),
    "drug_dealing": ("drug", 0.35),
    "traffic_accident": ("traffic", 1.0),
    "civil_dispute": ("complaint", 0.45),
    "environment_hygiene": ("complaint", 0.12),
    "public_service": ("complaint", 0.10),
    "disaster": ("complaint", 0.03),
    "epidemic": ("complaint", 0.01),
    "other": ("complaint", 0.29),
}

FLAT = (1.0,) * 12
_DRY_SEASON = (1.2, 1.2, 1.2, 1.2, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 1.2, 1.2)
# Month factors (January first).
SEASON: dict[str, tuple[float, ...]] = {
    "theft": _DRY_SEASON,
    "snatching": _DRY_SEASON,
    "burglary": _DRY_SEASON,
    "robbery": _DRY_SEASON,
    # Khmer New Year (April), Pchum Ben (September, October), Water Festival and year's end.
    "traffic_accident": (1.1, 1.0, 1.0, 1.6, 1.0, 0.9, 0.9, 0.9, 1.15, 1.2, 1.05, 1.1),
    "domestic_violence": (1.0, 1.0, 1.0, 1.15, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0),
    "disaster": (0.4, 0.4, 0.9, 1.0, 0.8, 0.9, 1.2, 2.0, 2.6, 2.4, 1.0, 0.5),
    "epidemic": (0.5, 0.5, 0.6, 0.7, 1.0, 1.6, 2.0, 2.0, 1.5, 1.0, 0.7, 0.6),
}
# Share of April's road accidents on the days of Khmer New Year (13 to 16 April).
NEW_YEAR_SHARE = 0.4

# Hour-of-day weights (0h first).
_DAYTIME = (1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1)
HOURS = {
    "crime": (6, 6, 5, 4, 3, 2, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6, 7, 8, 8, 8, 7),
    "drug": (5, 4, 3, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 7, 6),
    "traffic": (2, 1, 1, 1, 2, 4, 8, 10, 7, 5, 5, 5, 6, 5, 5, 6, 8, 10, 10, 8, 6, 5, 4, 3),
    "complaint": _DAYTIME,
}

CHANNELS: dict[str, dict[str, float]] = {
    "crime": {
        "in_person": 45,
        "phone": 20,
        "village_chief": 15,
        "patrol": 8,
        "other_authority": 4,
        "field_device": 5,
        "post_box": 1,
        "public_web": 2,
    },
    "drug": {
        "patrol": 45,
        "in_person": 15,
        "phone": 10,
        "village_chief": 10,
        "post_box": 5,
        "field_device": 10,
        "other_authority": 5,
    },
    "traffic": {"patrol": 35, "phone": 30, "in_person": 20, "field_device": 10, "village_chief": 5},
    "complaint": {
        "in_person": 45,
        "village_chief": 20,
        "phone": 12,
        "public_web": 10,
        "post_box": 3,
        "field_device": 5,
        "other_authority": 5,
    },
}

# Hours from the event to the report (mean of an exponential): road accidents and patrol
# finds are reported at once, complaints after days.
REPORT_DELAY_HOURS = {"crime": 12.0, "drug": 2.0, "traffic": 1.0, "complaint": 48.0}
# Hours from the report to its acknowledgement (mean of an exponential); first action after
# this share of the category's first-action deadline (mean, at least a day's share).
ACKNOWLEDGE_HOURS = 6.0
ACTION_SHARE = 0.3
# Median days from report to closure, and the share never closed (still open, overdue).
CLOSE_MEDIAN_DAYS = {"crime": 20.0, "drug": 12.0, "traffic": 7.0, "complaint": 6.0}
CLOSE_SIGMA = 0.8
NEVER_CLOSED = {"crime": 0.15, "drug": 0.04, "traffic": 0.02, "complaint": 0.05}
WITHDRAWN = 0.01
REOPENED = 0.015
RECLOSED = 0.7
# Days from the report to a withdrawal, and from a closure to a reopening (means).
WITHDRAWAL_DAYS = 2.0
REOPENING_DAYS = 10.0

# Outcomes of closed records per kind of case; mediation is dropped where the category
# forbids it. Non-crimes are never "solved" (a clearance is for crimes).
OUTCOMES: dict[str, dict[str, float]] = {
    "crime": {"solved": 0.65, "transferred": 0.20, "unfounded": 0.08, "mediated": 0.05, "referred": 0.02},
    "drug": {"solved": 0.85, "transferred": 0.10, "unfounded": 0.05},
    # Not crimes: resolved or not, or passed to a service (incidents.closing).
    "traffic": {"mediated": 0.70, "referred": 0.20, "resolved": 0.05, "unresolved": 0.05},
    "complaint": {"mediated": 0.55, "resolved": 0.15, "referred": 0.20, "unresolved": 0.10},
}
OUTCOME_OVERRIDES: dict[str, dict[str, float]] = {
    "drug_use": {"solved": 0.60, "referred": 0.30, "unfounded": 0.05, "transferred": 0.05},
    "domestic_violence": {"solved": 0.45, "referred": 0.30, "transferred": 0.20, "unfounded": 0.05},
}
# Solved crimes: share cleared by arrest (else exceptional means), and mean arrests beyond
# the first. Drug cases: 15,002 arrests in 6,390 cases (2022), 27,071 in 10,630 (2024).
ARREST_CLEARANCE = {"crime": 0.75, "drug": 0.95}
EXTRA_ARRESTS = {"crime": 0.4, "drug": 1.45}
EXCEPTIONAL_REASONS = {"B": 0.40, "D": 0.40, "E": 0.10, "C": 0.07, "A": 0.03}
# Road accidents: 1,709 deaths in 2,976 accidents (2022); injuries assumed 1.4 per accident.
TRAFFIC_DEATHS = 0.57
TRAFFIC_INJURIES = 1.4

NOTES = {
    "referred": "Referred to the district social affairs office.",
    "transferred": "Transferred to the provincial court.",
    "unfounded": "No offence found after checking.",
}
WITHDRAWAL_REASONS = ("Entered twice.", "Entered in the wrong village.", "Entered by mistake.")
# Every description starts with this, so that no one takes a generated record for a real one.
DESCRIPTION_PREFIX = "Synthetic record"
# Per category, a few short situations; the description is "Synthetic record: <situation>".
SITUATIONS: dict[str, tuple[str, ...]] = {
    "theft": ("motorbike stolen from a yard", "cattle stolen at night", "phone stolen at the market"),
    "snatching": ("bag snatched by two men on a motorbike", "phone snatched on the road"),
    "robbery": ("shop robbed with a knife", "traveller robbed on a village road"),
    "burglary": ("house broken into while the family was away", "rice store broken into"),
    "drug_dealing": ("methamphetamine sold from a house", "suspected dealer reported by neighbours"),
    "drug_use": ("young men using drugs by the river", "drug use reported at a construction site"),
    "trafficking": ("worker sent abroad with false promises",),
    "sexual_exploitation": ("suspected exploitation at a karaoke bar",),
    "domestic_violence": ("husband beat his wife", "violence against a child at home"),
    "assault": ("fight after a wedding party", "man injured in a fight over land"),
    "homicide": ("man found dead after a dispute",),
    "gang_activity": ("youth gang fight with weapons",),
    "illegal_gambling": ("card gambling den", "cockfighting with bets"),
    "illegal_weapons": ("home-made gun found",),
    "traffic_accident": ("motorbike and car collided", "motorbike fell on a wet road", "truck hit a motorbike"),
    "civil_dispute": ("dispute over a land boundary", "unpaid debt between neighbours", "quarrel over water"),
    "environment_hygiene": ("rubbish dumped in a canal", "noise from a factory at night"),
    "public_service": ("no answer about a birth certificate", "road repair not done"),
    "disaster": ("houses flooded", "storm damaged roofs", "house fire"),
    "epidemic": ("dengue cases in the village", "several families ill with diarrhoea"),
    "other": ("lost identity card", "stray dogs attacking children", "request for help from an elder"),
}


def group_weight(group: str, year: int, end_year: int) -> float:
    """A kind of case's yearly volume in ``year``, from the calibration and trend."""
    return GROUP_PER_YEAR[group] * GROUP_TREND[group] ** (year - end_year)


def expected_shares(codes: Sequence[str], first_year: int, end_year: int) -> dict[str, float]:
    """Each category's expected share of the records over whole years, among the categories
    ``codes`` present (seasons count by their mean over the year, noise not at all): what a
    run's mix is checked against."""
    group_total = {g: sum(CATEGORY_MIX[c][1] for c in codes if CATEGORY_MIX[c][0] == g) for g in GROUP_PER_YEAR}
    weights = {}
    for code in codes:
        group, share = CATEGORY_MIX[code]
        volume = sum(group_weight(group, y, end_year) for y in range(first_year, end_year + 1))
        season = SEASON.get(code, FLAT)
        weights[code] = volume * share / group_total[group] * sum(season) / len(season)
    total = sum(weights.values())
    return {code: w / total for code, w in weights.items()}
