"""Exports of a result report: spreadsheet, PDF, CSV and a DHIS2 data value set. Each takes
the same report data (live or the approved snapshot) through ``present``."""
