"""Public pages of brand cultivation (no login): published notices with the objection form, current honours."""

from django.urls import path  # noqa: F401

app_name = "brands_public"
urlpatterns = []
