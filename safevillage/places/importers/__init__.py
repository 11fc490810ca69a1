"""Importers of the gazetteer and of population figures.

One module per format reads its file into rows (``mef``, ``ncdd``, ``population``);
``validation`` checks the rows and ``report`` keeps every defect with its line; ``store``
writes what is valid in one transaction, with bulk statements and one audit row per change.

The policy every importer follows: load what is valid, refuse what is not (a child of a
refused parent too), say why for every line, never load a code twice, never delete a place.
"""
