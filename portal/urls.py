"""The public portal's pages (no login), under /public/ beside the public pages of the other apps (published
spot-check results by campaign and draws in inspections, notices and their objections in brands)."""

from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("public/", views.home, name="home"),
    path("public/results/", views.results, name="results"),
    path("public/enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("public/draws/", views.draws, name="draws"),
    path("public/blacklist/", views.blacklist, name="blacklist"),
    path("public/honours/", views.honours, name="honours"),
    path("public/audit-heads/", views.audit_heads, name="audit_heads"),
]
