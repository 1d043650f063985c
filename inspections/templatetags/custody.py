"""The custody trail of a sample, shown on its result: with names for staff and the laboratory, without for the
enterprise (what happened, when and where: evidence in an objection)."""

from django import template

from accounts.predicates import is_lab_technician
from inspections.custody import custody_trail

register = template.Library()


@register.inclusion_tag("inspections/offline/custody_trail.html", takes_context=True)
def custody_trail_of(context, lab_test):
    user = context["request"].user
    with_names = user.has_perm("inspections.view_all_tasks")
    blind = is_lab_technician.test(user)
    rows = custody_trail(lab_test, with_names=with_names, blind=blind)
    return {"rows": rows, "with_names": with_names, "lab_test": lab_test}
