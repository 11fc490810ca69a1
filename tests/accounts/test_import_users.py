"""The secretariat imports officers' accounts from a spreadsheet (manage.py import_users)."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent

HEADER = "username,full_name,phone,role,place_code\n"

GOOD = HEADER + (
    "sokha.chan,Sokha Chan,012 345 678,commune_police,140305\n"
    "dara.keo,Dara Keo,+855 97 123 4567,commune_police,140306\n"
    "vannak.heng,Vannak Heng,,district_officer,1403\n"
    "bopha.ly,Bopha Ly,០១២ ៣៤៥ ៦៧៩,village_chief,14030501\n"
    "rithy.nuon,Rithy Nuon,,national_secretariat,\n"
)

# Every kind of mistake, one per line (line numbers count the header as line 1).
BROKEN = HEADER + (
    "ok.officer,Ok Officer,012 345 678,commune_police,140305\n"  # 2: fine
    ",No Username,,commune_police,140305\n"  # 3
    "bad.role,Bad Role,,polis,140305\n"  # 4
    "bad.place,Bad Place,,commune_police,149999\n"  # 5
    "bad.level,Bad Level,,commune_police,14030501\n"  # 6: a village is not a commune
    "twice,First Copy,,commune_police,140305\n"  # 7
    "twice,Second Copy,,commune_council,140305\n"  # 8
    "bad.phone,Bad Phone,12345,commune_police,140305\n"  # 9
    "national.at.place,Nat,,national_secretariat,14\n"  # 10
    "police.nowhere,Police,,commune_police,\n"  # 11
    "bad user!,Space In Name,,commune_police,140305\n"  # 12
    "no.name,,,commune_police,140305\n"  # 13
    "short,row\n"  # 14
    "ok.national,Ok National,,national_secretariat,\n"  # 15: fine
    ",,,,\n"  # 16: an empty spreadsheet row, skipped
    "no.role,No Role,,,140305\n"  # 17
)


def write(tmp_path: Path, text: str, name: str = "officers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_users", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_secretariat_imports_officers_with_roles_at_their_places(places, tmp_path):
    out, err = run(write(tmp_path, GOOD))

    assert err == ""
    assert "5 accounts created" in out
    sokha = User.objects.get(username="sokha.chan")
    assert (sokha.full_name, sokha.phone) == ("Sokha Chan", "+85512345678")
    assert User.objects.get(username="bopha.ly").phone == "+85512345679"  # Khmer digits read
    assert set(RoleAssignment.objects.values_list("user__username", "role", "place__code")) == {
        ("sokha.chan", Role.COMMUNE_POLICE, "140305"),
        ("dara.keo", Role.COMMUNE_POLICE, "140306"),
        ("vannak.heng", Role.DISTRICT_OFFICER, "1403"),
        ("bopha.ly", Role.VILLAGE_CHIEF, "14030501"),
        ("rithy.nuon", Role.NATIONAL_SECRETARIAT, None),
    }


def test_imported_accounts_cannot_sign_in_until_a_password_is_set(places, tmp_path):
    out, _err = run(write(tmp_path, GOOD))

    sokha = User.objects.get(username="sokha.chan")
    assert not sokha.has_usable_password()
    assert authenticate(username="sokha.chan", password="") is None
    assert "no usable password" in out


def test_the_output_reveals_no_secret(places, tmp_path):
    out, err = run(write(tmp_path, GOOD), "--password-file", tmp_path / "passwords.csv")

    for line in (tmp_path / "passwords.csv").read_text().splitlines()[1:]:
        _username, password = line.split(",")
        assert password not in out + err


def test_each_import_is_audited_without_passwords(places, tmp_path):
    run(write(tmp_path, GOOD), "--password-file", tmp_path / "passwords.csv")

    event = AuditEvent.objects.get(action="accounts.user.create", target_label="Sokha Chan")
    assert event.new["assignment"]["role"] == "commune_police"
    assert event.place_code == "140305"
    assert event.reason == "import_users officers.csv"
    assert "password" not in str(event.new)


def test_importing_the_same_file_twice_changes_nothing(places, tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    events = AuditEvent.objects.count()

    out, _err = run(path)

    assert "0 accounts created, 0 updated, 5 unchanged, 0 role assignments added" in out
    assert User.objects.count() == 5
    assert RoleAssignment.objects.count() == 5
    assert AuditEvent.objects.count() == events


def test_existing_officer_gets_new_name_phone_and_missing_assignment(sokha, places, tmp_path):
    old_password = sokha.password
    out, _err = run(
        write(tmp_path, HEADER + "sokha,Chan Sokha,097 765 4321,commune_council,140305\n"),
    )

    sokha.refresh_from_db()
    assert (sokha.full_name, sokha.phone) == ("Chan Sokha", "+855977654321")
    assert sokha.password == old_password  # an import never touches a password
    assert set(sokha.assignments.values_list("role", flat=True)) == {Role.COMMUNE_POLICE, Role.COMMUNE_COUNCIL}
    assert "1 updated" in out
    assert AuditEvent.objects.filter(action="accounts.assignment.add", place_code="140305").count() == 1


def test_an_empty_phone_cell_keeps_the_phone_on_file(sokha, places, tmp_path):
    User.objects.filter(pk=sokha.pk).update(phone="+85512000111")

    run(write(tmp_path, HEADER + "sokha,Sokha Chan,,commune_police,140305\n"))

    sokha.refresh_from_db()
    assert sokha.phone == "+85512000111"
    assert sokha.assignments.count() == 1  # already held: not added again


def test_every_broken_row_is_reported_with_its_line_and_valid_rows_load(places, tmp_path):
    out, err = run(write(tmp_path, BROKEN))

    lines = err.splitlines()
    expected = {
        3: "missing username",
        4: "unknown role 'polis'",
        5: "unknown place code 149999",
        6: "is held at a commune, and 14030501 is a village",
        7: "username twice is also on line 8",
        8: "username twice is also on line 7",
        9: "bad phone number '12345'",
        10: "is held for the whole country: leave place_code empty",
        11: "needs a place code",
        12: "username 'bad user!' may hold only",
        13: "missing full name",
        14: "expected 5 values",
        17: "missing role",
    }
    for line, message in expected.items():
        assert any(reported.startswith(f"line {line}: ") and message in reported for reported in lines), (
            line,
            message,
            lines,
        )
    assert len(lines) == len(expected)
    assert sorted(User.objects.values_list("username", flat=True)) == ["ok.national", "ok.officer"]
    assert "Read 15 rows" in out
    assert "13 rows refused" in out


def test_strict_import_refuses_the_whole_file_for_one_bad_row(places, tmp_path):
    with pytest.raises(CommandError, match="nothing was loaded"):
        run(write(tmp_path, BROKEN), "--strict")

    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.").exists()


def test_strict_import_of_a_clean_file_loads_it(places, tmp_path):
    run(write(tmp_path, GOOD), "--strict")

    assert User.objects.count() == 5


def test_dry_run_writes_nothing(places, tmp_path):
    out, _err = run(write(tmp_path, GOOD), "--dry-run")

    assert "Nothing was written" in out
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "username,full_name,phone,role\n",  # missing place_code
        "username,full_name,phone,role,place_code,notes\n",  # an unknown column would be dropped silently
        "user,full_name,phone,role,place_code\n",
        "",
    ],
)
def test_a_file_without_the_expected_header_is_refused_whole(places, tmp_path, header):
    with pytest.raises(CommandError):
        run(write(tmp_path, header + "sokha.chan,Sokha Chan,,commune_police,140305\n"))

    assert not User.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_advice(places, tmp_path):
    path = tmp_path / "officers.csv"
    path.write_bytes(HEADER.encode() + "sokha,Sokha Chan\xe9,,commune_police,140305\n".encode("latin-1"))

    with pytest.raises(CommandError, match="UTF-8"):
        run(path)


def test_a_spreadsheet_export_with_byte_order_mark_is_read(places, tmp_path):
    path = tmp_path / "officers.csv"
    path.write_text(GOOD, encoding="utf-8-sig")

    run(path)

    assert User.objects.count() == 5


def test_a_username_differing_only_in_case_from_an_account_is_refused(sokha, places, tmp_path):
    _out, err = run(write(tmp_path, HEADER + "Sokha,Sokha Chan,,commune_police,140305\n"))

    assert "line 2: username Sokha differs only in case from the account sokha" in err
    assert not User.objects.filter(username="Sokha").exists()


def test_an_archived_place_cannot_receive_officers(places, tmp_path):
    places["140306"].valid_to = "2020-01-01"
    places["140306"].save()

    _out, err = run(write(tmp_path, HEADER + "dara.keo,Dara Keo,,commune_police,140306\n"))

    assert "line 2: place 140306 is archived" in err


def test_temporary_passwords_go_to_a_private_file_and_must_be_changed(places, tmp_path, client):
    password_file = tmp_path / "passwords.csv"

    out, _err = run(write(tmp_path, GOOD), "--password-file", password_file)

    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    rows = dict(line.split(",") for line in password_file.read_text().splitlines()[1:])
    assert set(rows) == {"sokha.chan", "dara.keo", "vannak.heng", "bopha.ly", "rithy.nuon"}
    assert str(password_file) in out
    sokha = User.objects.get(username="sokha.chan")
    assert sokha.must_change_password
    assert sokha.check_password(rows["sokha.chan"])

    client.post("/accounts/login/", {"username": "sokha.chan", "password": rows["sokha.chan"]})
    assert client.get("/").url == "/accounts/password/"


def test_the_password_file_is_never_overwritten(places, tmp_path):
    password_file = tmp_path / "passwords.csv"
    password_file.write_text("someone else's file")

    with pytest.raises(CommandError, match="already exists"):
        run(write(tmp_path, GOOD), "--password-file", password_file)

    assert password_file.read_text() == "someone else's file"
    assert not User.objects.exists()


def test_no_password_file_is_left_when_the_import_fails(places, tmp_path, monkeypatch):
    password_file = tmp_path / "passwords.csv"

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("safevillage.accounts.user_import.record_event", fail)
    with pytest.raises(RuntimeError):
        run(write(tmp_path, GOOD), "--password-file", password_file)

    assert not password_file.exists()
    assert not User.objects.exists()


def test_the_import_is_attributed_to_the_named_secretariat_member(national, places, tmp_path):
    run(write(tmp_path, GOOD), "--actor", "national")

    assert AuditEvent.objects.filter(action="accounts.user.create", actor=national).count() == 5


def test_thousands_of_rows_resolve_places_in_one_query(places, tmp_path):
    villages = ["14030501", "14030502", "14030601", "14040101", "08010101"]
    rows = [f"chief{n},Chief {n},,village_chief,{villages[n % 5]}\n" for n in range(1500)]
    path = write(tmp_path, HEADER + "".join(rows))

    with CaptureQueriesContext(connection) as queries:
        out, _err = run(path)

    assert "1500 accounts created" in out
    place_queries = [q["sql"] for q in queries if 'FROM "places_place"' in q["sql"]]
    assert len(place_queries) == 1
    # Accounts and assignments go in by batches (SQLite caps a statement at 999 parameters,
    # about 60 accounts), not one statement per row.
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "accounts_')]
    assert len(inserts) <= 3000 / 50


KHMER_LETTERS = range(0x1780, 0x1800)


def _khmer(line: str) -> bool:
    return any(ord(character) in KHMER_LETTERS for character in line)


def test_the_whole_output_is_in_the_operators_language(places, tmp_path, khmer_default):
    path = write(tmp_path, BROKEN)
    out, err = run(path)
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) > 10  # every refused line and the summary
    assert [line for line in lines if not _khmer(line)] == []  # the summary too, not only the details

    out, err = run(path, "--language", "en")
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert [line for line in lines if _khmer(line)] == []
    assert out.startswith("Read 15 rows:") and err.startswith("line 3: missing username")


def test_a_command_error_is_in_the_operators_language_too(places, tmp_path, khmer_default):
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, BROKEN), "--strict")
    assert _khmer(str(error.value))
