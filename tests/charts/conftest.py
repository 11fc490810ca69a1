"""The report tests' records and places (tests/reports/conftest.py), for the charts' tests."""

from tests.reports.conftest import _fresh_lookups, kandal, kandal_records, make_record  # noqa: F401
