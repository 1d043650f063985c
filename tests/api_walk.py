"""Walking the published API: its OpenAPI schema (as drf-spectacular generates it), its write operations, the
string fields of their request bodies, and real ids for their path parameters (read from the list endpoints as
the caller sees them). Used by the hostile-input test and the schema-conformance run."""

import re
from dataclasses import dataclass
from functools import cache

from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from accounts.roles import Role
from inspections.choices import Verdict
from inspections.models import ConflictDeclaration, Draw, PublishedResult, RedrawRequest, Task
from qsportal.demo.seed import USERNAMES, seed_demo_city
from qsportal.reference_data import restore_reference_data
from tests.clients import token_api

WRITE_METHODS = ("post", "put", "patch", "delete")
# Who is tried for an operation, in this order; the first who gets past the permission and object checks is used.
ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ENTERPRISE, Role.INSPECTOR, Role.LAB_TECHNICIAN, Role.EXPERT, Role.ADMIN)
REFUSED = {401, 403, 404, 405}


@cache
def api_schema() -> dict:
    """The schema the portal publishes at /api/v1/schema/."""
    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(node, schema: dict):
    """`node` with its $ref (one level) replaced by the component it names."""
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    media_type: str | None  # None: the operation takes no body
    body: dict  # the request body's (resolved) schema

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def properties(self) -> dict:
        return self.body.get("properties", {})

    def string_fields(self) -> list[str]:
        """The writable fields of the body that take text (a string, or a list of strings); not files or choices."""
        fields = []
        for name, prop in self.properties.items():
            prop = resolve(prop, api_schema())
            if prop.get("readOnly"):
                continue
            item = resolve(prop.get("items", {}), api_schema()) if prop.get("type") == "array" else prop
            if item.get("type") == "string" and item.get("format") != "binary" and "enum" not in item:
                fields.append(name)
        return fields


def write_operations() -> list[Operation]:
    schema = api_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            media_type = next((kind for kind in ("application/json", "multipart/form-data") if kind in content), None)
            body = resolve(content[media_type]["schema"], schema) if media_type else {}
            operations.append(Operation(method, path, media_type, body))
    return operations


def seed_city() -> dict[str, User]:
    """A small demo city (most stages of every process have a row), and its demo account per role; the few rows a
    city this small lacks (a declared conflict, a re-draw request, a published result of the demo enterprise) are
    added, so that every operation has an object to act on."""
    restore_reference_data()
    seed_demo_city(seed=2026, enterprises=24, as_of=timezone.localdate())
    users = {role: User.objects.get(username=USERNAMES[role]) for role in ROLES}
    supervisor, enterprise = users[Role.SUPERVISOR], users[Role.ENTERPRISE].enterprise
    ConflictDeclaration.objects.create(
        inspector=users[Role.INSPECTOR], enterprise=enterprise, reason="配偶在该企业任职"
    )
    draw = Draw.objects.order_by("pk").first()
    RedrawRequest.objects.create(campaign=draw.campaign, draw=draw, reason="抽查名单录入错误", requested_by=supervisor)
    task = Task.objects.filter(enterprise=enterprise, publication__isnull=True).order_by("pk").first()
    PublishedResult.objects.create(
        task=task,
        campaign=task.campaign,
        enterprise=enterprise,
        year=task.campaign.year,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        district_name=enterprise.district.name,
        product_name="糕点",
        verdict=Verdict.NONCONFORMING,
        published_at=timezone.now(),
        published_by=supervisor,
    )
    return users


_PARAMETER = re.compile(r"\{(\w+)\}")


def concrete_paths(path: str, client, *, limit: int = 3) -> list[str]:
    """`path` with its parameters filled with ids that `client` can list (at most `limit`), or [path] without any."""
    match = _PARAMETER.search(path)
    if not match:
        return [path]
    listing = path[: match.start()]
    response = client.get(listing, {"page_size": limit})
    if response.status_code != 200:
        return []
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    name = match.group(1)
    ids = [row.get(name, row.get("id")) for row in rows if isinstance(row, dict)]
    ids = [pk["id"] if isinstance(pk, dict) else pk for pk in ids if pk is not None][:limit]
    return [path[: match.start()] + str(pk) + path[match.end() :] for pk in ids]


def clients(users: dict[str, User]):
    """(role, API client) for each role in ROLES, token-authenticated."""
    return [(role, token_api(users[role])) for role in ROLES]
