import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from accounts.roles import Role
from enterprises.choices import LicenceKind, Scale
from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, LicenceFactory, ResponsibilityAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_enterprise_model_validates_the_credit_code():
    enterprise = EnterpriseFactory.build(credit_code="91350100M000100Y44")
    enterprise.area.district.save()
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean(exclude=["area", "district"])
    assert "credit_code" in excinfo.value.message_dict


def test_credit_code_is_unique_with_a_clear_message():
    existing = EnterpriseFactory()
    duplicate = EnterpriseFactory.build(
        credit_code=existing.credit_code, area=existing.area, district=existing.district
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.message_dict["credit_code"] == ["已有使用此统一社会信用代码的企业档案。"]


def test_area_must_lie_in_the_enterprise_district():
    enterprise = EnterpriseFactory()
    enterprise.area = ResponsibilityAreaFactory()  # another district
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert "area" in excinfo.value.message_dict


def test_supervised_is_derived_from_scale_or_one_of_the_five_licences():
    above = EnterpriseFactory(scale=Scale.ABOVE)
    licensed = LicenceFactory(enterprise=EnterpriseFactory(scale=Scale.BELOW)).enterprise
    iso_only = LicenceFactory(enterprise=EnterpriseFactory(scale=Scale.BELOW), kind=LicenceKind.ISO_9001).enterprise
    bare = EnterpriseFactory(scale=Scale.BELOW)
    flags = dict(Enterprise.objects.with_is_supervised().values_list("pk", "is_supervised"))
    assert flags == {above.pk: True, licensed.pk: True, iso_only.pk: False, bare.pk: False}
    assert set(Enterprise.objects.supervised()) == {above, licensed}


def test_enterprise_user_must_have_an_enterprise_and_others_must_not(enterprise):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.ENTERPRISE, enterprise=None)


def test_staff_user_cannot_be_tied_to_an_enterprise(enterprise):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.INSPECTOR, enterprise=enterprise)


def test_only_administrators_reach_the_django_admin():
    assert UserFactory(role=Role.ADMIN).is_staff
    assert not UserFactory(role=Role.LEADER).is_staff


def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root", "root@example.com", "a-long-password-1")
    assert user.role == Role.ADMIN and user.is_staff


def test_licence_must_expire_after_issue():
    licence = LicenceFactory.build(enterprise=EnterpriseFactory())
    licence.expires_on = licence.issued_on
    with pytest.raises(ValidationError):
        licence.full_clean()
