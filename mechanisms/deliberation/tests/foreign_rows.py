"""Township-B rows for the scope walk: 四议两公开 keeps no model of its own.

A matter is a workflows Case (its township-B row at FOREIGN_PK is made by the walk itself); the deliberation
pages and API answer 404 for it, as it is not a case of the 四议两公开 workflow and lies outside township A.
"""

# The matter's own read, like its writes, serves only 四议两公开 cases (tests/deliberation/test_pages_api.py shows
# one of township B's answering 404 to township A and one of its own answering 200).
ONE_WORKFLOW_READS = {"api/deliberation/matters/<int:case_id>"}


def foreign_rows(pk, foreign, org_fields) -> dict:
    return {}
