"""Issue 15's wording of the enterprise file: an enterprise standard is self-declared and published (自我声明公开),
a food-safety enterprise standard filed (备案); the measuring-instrument manufacturing licence, abolished in 2017,
is no kind for a new licence, and one on file stays readable, marked abolished, and never nags as expiring."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from brands.eligibility import eligibility_checks
from enterprises.choices import ExpiryLevel, LicenceKind, StandardKind
from enterprises.models import Licence, LicenceWarning, Product, Standard
from enterprises.selectors import licence_expiry_counts, licence_worklist
from enterprises.services import licence_warnings_record
from tests.clients import signed_in, token_api
from tests.factories import LicenceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
MEASURING = LicenceKind.MEASURING_INSTRUMENT


def measuring_licence(enterprise, *, expires_on=datetime.date(2017, 6, 30), number="湘制00000123号") -> Licence:
    return LicenceFactory(
        enterprise=enterprise,
        kind=MEASURING,
        number=number,
        issued_on=datetime.date(2012, 7, 1),
        expires_on=expires_on,
    )


# Enterprise standards.


def test_an_enterprise_self_declares_its_standard_with_the_publication_date(client, actors, enterprise):
    url = reverse("enterprises:standard_file", args=[enterprise.pk])
    client = signed_in(client, actors[Role.ENTERPRISE])
    form = client.get(url).context["form"]
    assert form["kind"].initial == StandardKind.ENTERPRISE
    missing = client.post(url, {"code": "Q/YYJX 0002-2026", "title": "齿轮泵", "kind": "enterprise"})
    assert "published_on" in missing.context["form"].errors and not Standard.objects.exists()
    ahead = client.post(
        url, {"code": "Q/YYJX 0002-2026", "title": "齿轮泵", "kind": "enterprise", "published_on": "2999-01-01"}
    )
    assert "published_on" in ahead.context["form"].errors
    client.post(
        url,
        {
            "code": "Q/YYJX 0002-2026",
            "title": "齿轮泵",
            "kind": "enterprise",
            "published_on": "2026-03-01",
            "filing_number": "不需要",  # not filed: dropped
        },
    )
    standard = Standard.objects.get()
    assert standard.kind == StandardKind.ENTERPRISE and standard.owner == enterprise
    assert standard.published_on == datetime.date(2026, 3, 1) and standard.filing_number == ""
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="standard-declared"' in page and 'data-testid="standard-filed"' not in page


def test_an_own_standard_kind_is_one_of_the_two_and_the_labels_say_which_is_filed(client, actors, enterprise):
    url = reverse("enterprises:standard_file", args=[enterprise.pk])
    response = signed_in(client, actors[Role.ENTERPRISE]).post(
        url, {"code": "Q/YY 1-2026", "title": "x", "kind": "national", "published_on": "2026-01-01"}
    )
    assert "kind" in response.context["form"].errors and not Standard.objects.exists()
    with translation.override("en"):
        assert "self-declared" in str(StandardKind.ENTERPRISE.label).lower()
        assert "filed" in str(StandardKind.FOOD_SAFETY.label).lower()
        assert "filed" not in str(StandardKind.ENTERPRISE.label).lower()
    with translation.override("zh-hans"):
        assert "自我声明公开" in str(StandardKind.ENTERPRISE.label)
        assert "备案" in str(StandardKind.FOOD_SAFETY.label) and "备案" not in str(StandardKind.ENTERPRISE.label)


def test_the_api_shows_whether_a_products_standard_is_declared_or_filed(actors, enterprise):
    declared = Standard.objects.create(
        code="Q/YYJX 0002-2026",
        title="齿轮泵",
        kind=StandardKind.ENTERPRISE,
        owner=enterprise,
        published_on=datetime.date(2026, 3, 1),
    )
    filed = Standard.objects.create(
        code="Q/YYHC 0001S-2026",
        title="桂花糕",
        kind=StandardKind.FOOD_SAFETY,
        owner=enterprise,
        filing_number="430600-2026-9",
        filed_on=datetime.date(2026, 3, 2),
    )
    body = {"enterprise": enterprise.pk, "name": "桂花糕", "standards": [declared.code, filed.code]}
    created = token_api(actors[Role.ENTERPRISE]).post("/api/v1/products/", body, format="json")
    assert created.status_code == 201, created.content
    details = {row["code"]: row for row in created.json()["standard_details"]}
    assert details[declared.code]["kind"] == "enterprise" and details[declared.code]["published_on"] == "2026-03-01"
    assert details[filed.code]["kind"] == "food_safety" and details[filed.code]["filing_number"] == "430600-2026-9"
    assert Product.objects.get().standards.count() == 2


def test_a_standard_of_its_kind_needs_its_declaration_or_filing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Standard(code="Q/A 1-2026", title="x", kind=StandardKind.ENTERPRISE).full_clean()
    with pytest.raises(ValidationError):
        Standard(code="Q/A 1S-2026", title="x", kind=StandardKind.FOOD_SAFETY).full_clean()


# The abolished measuring-instrument manufacturing licence.


def test_the_form_refuses_a_new_measuring_instrument_licence(client, actors, enterprise):
    url = reverse("enterprises:licence_create", args=[enterprise.pk])
    client = signed_in(client, actors[Role.SUPERVISOR])
    offered = [value for value, _label in client.get(url).context["form"].fields["kind"].choices]
    assert MEASURING not in offered and LicenceKind.FOOD_PRODUCTION in offered
    body = {"kind": MEASURING, "number": "湘制2026001号", "issued_on": "2026-01-01", "expires_on": "2031-01-01"}
    response = client.post(url, body)
    assert "kind" in response.context["form"].errors and not Licence.objects.exists()


def test_an_existing_one_stays_readable_marked_abolished_and_correctable(client, actors, enterprise):
    licence = measuring_licence(enterprise)
    client = signed_in(client, actors[Role.SUPERVISOR])
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="licence-abolished"' in page and licence.number in page
    edit = reverse("enterprises:licence_edit", args=[enterprise.pk, licence.pk])
    assert MEASURING in [value for value, _label in client.get(edit).context["form"].fields["kind"].choices]
    body = {"kind": MEASURING, "number": licence.number, "scope": "电子秤", "issued_on": "2012-07-01"}
    assert client.post(edit, {**body, "expires_on": "2017-06-30"}).status_code == 302
    licence.refresh_from_db()
    assert licence.scope == "电子秤" and licence.kind == MEASURING


def test_the_api_refuses_the_kind_for_a_new_licence_and_marks_the_old_ones(actors, enterprise):
    staff = token_api(actors[Role.SUPERVISOR])
    body = {
        "enterprise": enterprise.pk,
        "kind": MEASURING,
        "number": "湘制2026001号",
        "issued_on": "2026-01-01",
        "expires_on": "2031-01-01",
    }
    refused = staff.post("/api/v1/licences/", body, format="json")
    assert refused.status_code == 400 and "kind" in refused.json()["error"]["fields"]
    food = staff.post("/api/v1/licences/", {**body, "kind": LicenceKind.FOOD_PRODUCTION}, format="json")
    assert food.status_code == 201 and food.json()["is_abolished"] is False
    moved = staff.patch(f"/api/v1/licences/{food.json()['id']}/", {"kind": MEASURING}, format="json")
    assert moved.status_code == 400 and "kind" in moved.json()["error"]["fields"]
    old = measuring_licence(enterprise)
    row = token_api(actors[Role.ENTERPRISE]).get(f"/api/v1/licences/{old.pk}/").json()
    assert row["kind"] == MEASURING and row["is_abolished"] is True
    kept = staff.patch(f"/api/v1/licences/{old.pk}/", {"scope": "电子秤"}, format="json")
    assert kept.status_code == 200 and kept.json()["is_abolished"] is True
    own = {**body, "kind": LicenceKind.FOOD_PRODUCTION, "number": "SC11443060299999"}
    assert token_api(actors[Role.ENTERPRISE]).post("/api/v1/licences/", own, format="json").status_code == 403


@pytest.mark.parametrize("number", ["湘制\ud800号", "号" * 100_000])
def test_hostile_licence_input_is_a_field_error(actors, enterprise, number):
    body = {
        "enterprise": enterprise.pk,
        "kind": LicenceKind.FOOD_PRODUCTION,
        "number": number,
        "issued_on": "2026-01-01",
        "expires_on": "2031-01-01",
    }
    response = token_api(actors[Role.SUPERVISOR]).post(
        "/api/v1/licences/", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and "number" in response.json()["error"]["fields"]


def test_an_abolished_licence_never_nags(enterprise):
    measuring_licence(enterprise)  # long expired
    measuring_licence(
        enterprise, expires_on=TODAY + datetime.timedelta(days=10), number="湘制00000124号"
    )  # "expiring": but abolished
    assert licence_warnings_record(today=TODAY) == {level: 0 for level in ExpiryLevel.values}
    assert not LicenceWarning.objects.exists()
    counts = licence_expiry_counts(enterprises=type(enterprise).objects.all(), today=TODAY)
    assert counts == {"expired": 0, "within_30": 0, "within_90": 0}
    assert not licence_worklist(today=TODAY).exists()
    [check] = [
        c for c in eligibility_checks(enterprise, {"valid_licences": True}, today=TODAY) if c["code"] == "licences"
    ]
    assert check["passed"]  # an abolished licence is neither held nor lacking
