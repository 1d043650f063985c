"""Every page form bounds its text (issue 16, item 7, on the pages): an over-long value is a field error, never a
database error. The walk covers every form class of the portal's apps, so a new form without a bound fails here."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core.hygiene import TEXT_MAX_LENGTH, text_within
from enterprises import services as enterprise_services
from inspections.services import campaigns
from tests.factories import LicenceFactory, PenaltyFactory

HUGE = "长" * 100_000
LOGIN_FORMS = {"LoginForm", "AdminLoginForm"}  # bounded when built, from the user model (accounts.forms)


def _portal_form_classes() -> list[type[forms.BaseForm]]:
    classes = set()
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
            continue
        for info in pkgutil.walk_packages([config.path], f"{config.name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    classes.add(value)
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _fields(form_class) -> dict[str, forms.Field]:
    return form_class().fields if form_class.__name__ in LOGIN_FORMS else form_class.base_fields


def _bounded(field: forms.CharField) -> bool:
    """Text people type is at most TEXT_MAX_LENGTH; a hidden field a page's script fills (a signature's PNG as a
    data URL) has a bound of its own; a UUID is bounded by its format."""
    if isinstance(field, forms.UUIDField):
        return True
    if isinstance(field.widget, forms.HiddenInput):
        return bool(field.max_length)
    return bool(field.max_length) and field.max_length <= TEXT_MAX_LENGTH


def test_every_text_field_of_every_page_form_has_a_bound():
    form_classes = _portal_form_classes()
    assert len(form_classes) > 80  # the walk found the apps' forms
    unbounded = [
        f"{form_class.__module__}.{form_class.__qualname__}.{name}"
        for form_class in form_classes
        for name, field in _fields(form_class).items()
        if isinstance(field, forms.CharField) and not _bounded(field)
    ]
    assert unbounded == []


def test_a_model_form_never_takes_more_than_its_column_keeps():
    too_long = []
    for form_class in _portal_form_classes():
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        if model is None:
            continue
        for name, field in form_class.base_fields.items():
            try:
                column = model._meta.get_field(name)
            except Exception:  # a form field of its own, not a column
                continue
            limit = getattr(column, "max_length", None)
            if isinstance(field, forms.CharField) and limit and column.get_internal_type() == "CharField":
                if not field.max_length or field.max_length > limit:
                    too_long.append(f"{form_class.__qualname__}.{name}")
    assert too_long == []


def test_text_within_names_the_field_and_strips():
    assert text_within("  fine  ", field="reason") == "fine"
    with pytest.raises(ValidationError) as error:
        text_within("长" * 256, field="reason", max_length=255)
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError):
        text_within("abc\ud800", field="reason")


@pytest.mark.django_db
def test_an_overlong_revocation_reason_on_the_page_is_a_field_error_and_changes_nothing(client, actors):
    licence = LicenceFactory()
    client.force_login(actors[Role.SUPERVISOR])
    url = reverse("enterprises:licence_revoke", args=[licence.enterprise_id, licence.pk])
    with translation.override("en"):
        response = client.post(url, {"revoked_on": "2026-12-01", "revocation_reason": HUGE})
    assert response.status_code == 200
    assert "revocation_reason" in response.context["form"].errors
    licence.refresh_from_db()
    assert licence.revoked_on is None


@pytest.mark.django_db
def test_a_withdrawal_reason_longer_than_its_column_is_refused_before_the_database(actors, enterprise):
    inspector = actors[Role.INSPECTOR]
    declaration = campaigns.conflict_declare(actor=inspector, enterprise=enterprise, reason="我的亲属在该企业任职")
    with pytest.raises(ValidationError) as error:
        campaigns.conflict_withdraw(actor=inspector, declaration=declaration, reason="长" * 256)
    assert "reason" in error.value.message_dict
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None


@pytest.mark.django_db
def test_a_voiding_reason_is_bounded(actors, enterprise):
    penalty = PenaltyFactory(enterprise=enterprise)
    with pytest.raises(ValidationError) as error:
        enterprise_services.record_void(actor=actors[Role.SUPERVISOR], record=penalty, reason=HUGE)
    assert "void_reason" in error.value.message_dict
    penalty.refresh_from_db()
    assert penalty.voided_at is None
