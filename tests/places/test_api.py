"""/api/v1/places/: the gazetteer through the API, scoped like the pages."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.problems import assert_problem


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_kandal_comes_with_both_names_and_its_census_population(national):
    body = api(national).get("/api/v1/places/08/").json()
    assert (body["code"], body["name_latin"], body["name_km"]) == ("08", "Kandal", "កណ្តាល")
    assert (body["population"], body["population_year"], body["population_source"]) == (1201581, 2019, "census")
    assert body["population_source_label"] == "Census"
    assert (body["unit_type"], body["level_number"]) == ("khaet", 1)


def test_parent_lists_the_communes_of_kampong_trabaek(national):
    body = api(national).get("/api/v1/places/", {"parent": "1403"}).json()
    assert [p["code"] for p in body["results"]] == ["140305", "140306"]
    assert body["count"] == 2


def test_q_searches_best_first_within_the_jurisdiction(national, sokha):
    found = api(national).get("/api/v1/places/", {"q": "Kampong Trabek"}).json()["results"]
    assert found[0]["code"] == "1403"
    mine = api(sokha).get("/api/v1/places/", {"q": "Kampong Trabek"}).json()
    assert mine["count"] == 0  # the neighbour's commune and the district are not the officer's


def test_bad_parameters_are_refused_with_a_clear_message(national):
    client = api(national)
    response = client.get("/api/v1/places/", {"parent": "14a"})
    assert_problem(
        response,
        400,
        errors=[
            {
                "attr": "parent",
                "detail": "parent must be the code of a province, district or commune (2, 4 or 6 digits).",
            }
        ],
    )
    assert client.get("/api/v1/places/", {"parent": "14030501"}).status_code == 400  # villages have no children
    assert_problem(
        client.get("/api/v1/places/", {"level": "5"}),
        400,
        errors=[{"attr": "level", "detail": "level must be 1, 2, 3 or 4."}],
    )
    assert client.get("/api/v1/places/", {"q": "x" * 101}).status_code == 400
    assert_problem(
        client.get("/api/v1/places/?level=1&level=2"), 400, errors=[{"attr": "level", "detail": "Give level once."}]
    )


def test_an_empty_search_is_no_filter_and_an_empty_parent_is_refused(national):
    assert api(national).get("/api/v1/places/", {"q": ""}).json()["count"] == 14
    # Empty is none of a parent's forms (api/empty_params.py): a 400 naming it.
    refused = api(national).get("/api/v1/places/", {"q": "", "parent": ""})
    assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "parent"


def test_the_neighbouring_commune_is_404_through_the_api(sokha):
    assert api(sokha).get("/api/v1/places/140305/").status_code == 200
    assert api(sokha).get("/api/v1/places/140306/").status_code == 404


def test_the_openapi_schema_and_the_browsable_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/places/{code}/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page and "cdn." not in page and "unpkg" not in page
