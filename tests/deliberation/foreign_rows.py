"""Township-B rows for the scope walk: 四议两公开 keeps no model of its own.

A matter is a workflows Case (its township-B row at FOREIGN_PK is made by the walk itself); the deliberation
pages and API answer 404 for it, as it is not a case of the 四议两公开 workflow and lies outside township A.
"""


def foreign_rows(pk, foreign, org_fields) -> dict:
    return {}
