"""The OpenAPI patterns of the values several operations take, written once: a client that
sends a value matching them gets an answer about the thing it names (data or a 404), never a
400 about the value's form."""

# A DHIS2 period as core.periods reads it: a year, a month, a quarter or a semester.
# Years 1979 to 2999, as core.periods accepts them.
PERIOD_PATTERN = r"^(1979|19[89][0-9]|2[0-9]{3})(0[1-9]|1[0-2]|[Qq][1-4]|[Ss][1-2])?$"
# An NCDD place code: 2 digits a province, 4 a district, 6 a commune, 8 a village.
PLACE_CODE_PATTERN = r"^([0-9]{2}){1,4}$"
# A report's place: a place code, or KH for the whole country.
REPORT_PLACE_PATTERN = r"^(KH|([0-9]{2}){1,4})$"
# The parent of places: a province, a district or a commune (an empty parameter is refused
# before any view reads it: api/empty_params.py).
PARENT_CODE_PATTERN = r"^([0-9]{2}){1,3}$"
# A report's period: the same, from 1980, as a report compares with the year before.
REPORT_PERIOD_PATTERN = r"^(19[89][0-9]|2[0-9]{3})(0[1-9]|1[0-2]|[Qq][1-4]|[Ss][1-2])?$"
