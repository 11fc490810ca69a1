"""Charts of the reports and the supervisors' pages (``render``), the data they draw
(``report_charts``), and the comparison of a place's children (``comparison``)."""
