"""The referrals are backed up and restored on their own, to a file of their own, with their
own audit chain in the manifest; the police database's backup holds none of their tables,
and neither store's backup is restored over the other."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from safevillage.core.backup import database_settings, django_connected_to, read_manifest
from safevillage.referrals import chain
from safevillage.referrals.models import Referral
from tests.referrals.personas import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH, transaction=True)


def test_the_referrals_have_a_backup_and_a_restore_of_their_own(
    make_referral: Callable[..., Referral], tmp_path: Path
) -> None:
    referral = make_referral()
    out = io.StringIO()
    call_command("backup", output=tmp_path / "referrals.bak", database="referrals", stdout=out)
    apart = read_manifest(tmp_path / "referrals.bak")
    assert apart.database == "referrals"
    assert apart.tables["referrals_referral"] == 1
    assert "audit_auditevent" not in apart.tables and "incidents_incident" not in apart.tables
    assert apart.audit_head == chain.head() and apart.audit_head is not None
    assert apart.tables_missing == []

    call_command("backup", output=tmp_path / "police.bak", stdout=out)
    police = read_manifest(tmp_path / "police.bak")
    assert police.database == "default"
    assert not [name for name in police.tables if name.startswith("referrals_")]
    assert police.tables_missing == []
    assert referral.client_code.encode() not in (tmp_path / "police.bak").read_bytes()

    with pytest.raises(CommandError, match="backup of the referrals database"):
        call_command("restore", tmp_path / "referrals.bak", yes=True, stdout=out)

    if connections["referrals"].vendor != "sqlite":
        return
    target = f"sqlite:///{tmp_path / 'restored-referrals.sqlite3'}"
    out = io.StringIO()
    call_command("restore", tmp_path / "referrals.bak", yes=True, database="referrals", database_url=target, stdout=out)
    assert "restore verified" in out.getvalue()
    with django_connected_to(database_settings(target)):
        assert list(Referral.objects.using(DEFAULT_DB_ALIAS).values_list("client_code", flat=True)) == [
            referral.client_code
        ]
        assert chain.verify(using=DEFAULT_DB_ALIAS).intact
