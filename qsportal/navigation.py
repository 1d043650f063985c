"""The navigation bar: one list, each item shown to whoever its permission rule allows."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str


NAVIGATION = (
    NavItem(_("Home"), "home", "core.view_home"),
    NavItem(_("Dashboard"), "analysis:dashboard", "analysis.view_dashboard"),
    NavItem(_("Enterprise register"), "enterprises:list", "enterprises.view_register"),
    NavItem(_("Expiring licences"), "enterprises:licence_worklist", "enterprises.view_worklist"),
    NavItem(_("Self-reports to review"), "enterprises:report_queue", "enterprises.review_self_report"),
    NavItem(_("My enterprise"), "enterprises:own", "enterprises.view_own_file"),
    NavItem(_("Spot checks"), "inspections:campaigns", "inspections.view_campaigns"),
    NavItem(_("Results to review"), "inspections:review", "inspections.review_results"),
    NavItem(_("Notices not yet received"), "inspections:notices_unopened", "inspections.review_results"),
    NavItem(_("Follow-ups"), "inspections:follow_ups", "inspections.view_follow_ups"),
    NavItem(_("Decisions to take"), "inspections:proposals", "inspections.decide_proposal"),
    NavItem(_("My tasks"), "inspections:my_tasks", "inspections.view_my_tasks"),
    NavItem(_("Conflicts of interest"), "inspections:conflicts", "inspections.declare_conflict"),
    NavItem(_("Samples"), "inspections:lab", "inspections.view_lab_worklist"),
    NavItem(_("Submitted results"), "inspections:lab_submitted", "inspections.view_lab_worklist"),
    NavItem(_("Spot-check results"), "inspections:my_results", "inspections.view_own_results"),
    NavItem(_("Complaints and tips"), "complaints:list", "complaints.list"),
    NavItem(_("Nominations (你点我检)"), "complaints:nominations", "complaints.view_nominations"),
    NavItem(_("Special equipment"), "equipment:list", "equipment.list"),
    NavItem(_("Credit grades"), "credit:overview", "credit.view_grades"),
    NavItem(_("Warnings"), "credit:warnings", "credit.view_warnings"),
    NavItem(_("My credit grade"), "credit:mine", "credit.view_own_grade"),
    NavItem(_("Famous brands"), "brands:programmes", "brands.view_all"),
    NavItem(_("Cultivation targets"), "brands:targets", "brands.view_all"),
    NavItem(_("My reviews"), "brands:reviews", "brands.view_own_reviews"),
    NavItem(_("Brand cultivation"), "brands:mine", "brands.view_own"),
    NavItem(_("Standards"), "standards:catalogue", "standards.view_catalogue"),
    NavItem(_("My standards"), "standards:mine", "standards.view_own"),
    NavItem(_("Metrology"), "metrology:instruments", "metrology.list"),
    NavItem(_("API"), "api-docs", "core.view_api_docs"),
    NavItem(_("Administration"), "admin:index", "accounts.manage_users"),
)


def navigation_for(user, current_path: str) -> list[dict]:
    """The items `user` may use; the one whose address is the longest prefix of the current page is active (the
    warnings under /credit/ light up "Warnings", not also "Credit grades")."""
    items = []
    for item in NAVIGATION:
        if not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "active": False})
    matching = [
        item for item in items if (current_path == "/" if item["url"] == "/" else current_path.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
