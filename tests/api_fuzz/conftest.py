"""Unique node ids for the Schemathesis tests (one per API operation).

Schemathesis 4.32 names each item `test[GET /api/v1/...]` but passes the bare function name as
`originalname`, from which pytest 9 builds the node id: every operation of a test would share one
id, and pytest-xdist (`make test` runs `-n 2`) would run only one of them.
"""

from schemathesis.pytest.plugin import SchemathesisFunction


def pytest_itemcollected(item):
    if isinstance(item, SchemathesisFunction) and item.name != item.originalname:
        params = item.name.removeprefix(item.originalname).removeprefix("[").removesuffix("]")
        item._id = item.parent.id.child(item.originalname).with_params(params)
