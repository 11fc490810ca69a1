"""Who sees which places: the personas of the Kampong Trabaek district."""

from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_commune_officer_sees_own_villages(sokha):
    response = api(sokha).get("/api/v1/places/?parent=140305")
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["results"]] == ["14030501", "14030502"]


def test_commune_officer_gets_404_for_neighbouring_commune_village(sokha):
    assert api(sokha).get("/api/v1/places/14030501/").status_code == 200
    assert api(sokha).get("/api/v1/places/14030601/").status_code == 404
    # "Missing" looks the same as "not yours".
    assert api(sokha).get("/api/v1/places/14039999/").status_code == 404


def test_district_officer_sees_every_commune_of_the_district(vannak):
    response = api(vannak).get("/api/v1/places/?parent=1403")
    assert [p["code"] for p in response.json()["results"]] == ["140305", "140306"]
    assert api(vannak).get("/api/v1/places/140401/").status_code == 404


def test_user_without_assignment_sees_nothing(nobody):
    response = api(nobody).get("/api/v1/places/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert api(nobody).get("/api/v1/places/14/").status_code == 404


def test_anonymous_is_refused(places):
    assert APIClient().get("/api/v1/places/").status_code in (401, 403)


def test_national_secretariat_sees_kandal_with_census_population(national):
    body = api(national).get("/api/v1/places/08/").json()
    assert body["name_km"] == "កណ្តាល"
    assert body["name_latin"] == "Kandal"
    assert (body["population"], body["population_year"], body["population_source"]) == (1201581, 2019, "census")
