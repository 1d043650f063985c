"""The API matches its published schema (issue 16, item 9).

Schemathesis generates requests for every operation of the schema drf-spectacular publishes and sends them, as a
supervisor, an enterprise user and anonymously, to the portal's WSGI application in this process (on the test
database, each request rolled back), with path ids taken from what that caller can list. Two checks: no 5xx
(`not_a_server_error`) and every documented response matches its schema (`response_schema_conformance`). A few
examples per operation and caller keep the run to a few minutes; the examples are derandomised, so a failure
reproduces. Marked `postgres`: CI runs it there, where the database refuses what SQLite lets through.
"""

import re
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.api_walk import api_schema, concrete_paths, seed_city
from tests.clients import token_api

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

CALLERS = (Role.SUPERVISOR, Role.ENTERPRISE, None)  # None: anonymous
EXAMPLES = 3
CHECKS = [not_a_server_error, response_schema_conformance]
_PARAMETER = re.compile(r"\{(\w+)\}")


def _path_parameters(path: str, client) -> dict | None:
    """Real ids for the path's parameters, as `client` can list them (the first visible row), or None."""
    names = _PARAMETER.findall(path)
    if not names:
        return {}
    if client is None:
        return None
    filled = concrete_paths(path, client, limit=1)
    if not filled:
        return None
    match = re.fullmatch(_PARAMETER.sub(r"([^/]+)", re.escape(path).replace(r"\{", "{").replace(r"\}", "}")), filled[0])
    return dict(zip(names, match.groups(), strict=True)) if match else None


def _checker(strategy, headers: dict, counter: list):
    """A Hypothesis test over `strategy`: each case sent with `headers`, rolled back, and checked."""

    @settings(
        max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=strategy)
    def check(case):
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        counter[0] += 1
        case.validate_response(response, checks=CHECKS)

    return check


def _summary(error: BaseException) -> str:
    """The gist of a check's failure: each sub-failure's first lines (what, and where in the schema)."""
    parts = getattr(error, "exceptions", None) or [error]
    lines = []
    for part in parts:
        text = [line for line in str(part).splitlines() if line.strip()]
        lines.append(" | ".join(text[:4]))
    return " || ".join(lines)


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_operation_answers_within_its_schema():
    users = seed_city()
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = WSGIHandler()
    operations = [result.ok() for result in schema.get_all_operations()]
    # Real ids for each caller, read (through Django's test client) before the run.
    plans = []
    for caller in CALLERS:
        user = users[caller] if caller else None
        headers = {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"} if user else {}
        lister = token_api(user) if user else None
        for operation in operations:
            parameters = _path_parameters(operation.path, lister) or None  # None: generated ids (a 404 is in schema)
            plans.append((caller, headers, operation, parameters))
    # The requests run in this thread, on the test's connection and transaction: Django must not close it between
    # requests (its test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    failures, counter, started = [], [0], time.monotonic()
    try:
        for caller, headers, operation, parameters in plans:
            strategy = operation.as_strategy(path_parameters=parameters)
            label = f"{caller or 'anonymous'} {operation.method.upper()} {operation.path}"
            try:
                _checker(strategy, headers, counter)()
            except (Exception, BaseExceptionGroup) as error:  # one failure per operation is enough: go on
                failures.append(f"{label}: {_summary(error)}")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    seconds = time.monotonic() - started
    print(f"schemathesis: {counter[0]} requests in {seconds:.0f} s, {len(failures)} operations failing")
    assert not failures, "\n\n".join(failures)
