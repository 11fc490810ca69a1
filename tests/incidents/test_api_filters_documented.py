"""Every parameter the register's filter reads is documented on the API list, with a type:
a field client learns them from /api/schema/, and a filter added to the implementation
without documentation fails here. The names are read from the implementation itself (its
FILTER_PARAMS and every ``params.get("…")`` in incidents/filters.py), not from a list kept
beside this test."""

from __future__ import annotations

import ast
import inspect

import pytest
from rest_framework.test import APIClient

from safevillage.incidents import filters
from tests.security.schema import api_schema

LIST = "/api/v1/incidents/"


def parameters_the_implementation_reads() -> set[str]:
    read = set(filters.FILTER_PARAMS)
    for node in ast.walk(ast.parse(inspect.getsource(filters))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "params"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            read.add(node.args[0].value)
    return read


def documented_parameters() -> dict[str, dict[str, object]]:
    operation = api_schema()["paths"][LIST]["get"]
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_implementation_reads_the_sixteen_filters_and_the_sort():
    # A guard on the reading above: it finds what the module docstring lists.
    assert parameters_the_implementation_reads() >= {*filters.FILTER_PARAMS, "sort"}
    assert len(filters.FILTER_PARAMS) == 16


@pytest.mark.parametrize("name", sorted(parameters_the_implementation_reads()))
def test_every_filter_is_documented_with_a_type_and_a_description(name):
    documented = documented_parameters()
    assert name in documented, f"The API list reads ?{name}= but /api/schema/ does not document it"
    parameter = documented[name]
    assert parameter["schema"].get("type"), name
    assert len(parameter.get("description", "")) > 10, name


def test_closed_choices_are_documented_as_enums():
    documented = documented_parameters()
    assert set(documented["status"]["schema"]["enum"]) >= {"received", "closed", "open", "counted"}
    assert set(documented["outcome"]["schema"]["enum"]) == {
        "solved",
        "mediated",
        "referred",
        "transferred",
        "unfounded",
        "resolved",
        "unresolved",
    }
    assert "-reported" in documented["sort"]["schema"]["enum"]


def test_the_list_says_that_a_report_figures_links_work_on_it():
    description = api_schema()["paths"][LIST]["get"]["description"]
    assert "links" in description and "/api/v1/reports/" in description


@pytest.mark.django_db
def test_a_figures_link_query_string_selects_on_the_api_list_as_on_the_page(policy, sokha):
    """The promise the description makes: a report's link, appended to the API list."""
    from tests.factories import closed, make_incident

    solved = closed(make_incident(sokha, category="assault"), sokha)
    make_incident(sokha, category="theft")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(sokha)
    report = client.get(f"/api/v1/reports/140305/{solved.period_month}/").json()
    links = [link for row in report["rows"] for link in (row.get("links") or {}).values()]
    link = next(link for link in links if "outcome=solved" in link)
    answer = client.get(LIST + "?" + link.split("?", 1)[1])
    assert answer.status_code == 200
    assert [row["reference"] for row in answer.json()["results"]] == [solved.reference]
