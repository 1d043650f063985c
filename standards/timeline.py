"""The standardization section of the enterprise file: its self-declarations and the products executing an
abolished or replaced standard."""

from standards import selectors
from standards.models import Declaration
from standards.roles import is_enterprise, reads_standards

SHOWN = 20


def standards_section(user, enterprise):
    if not (reads_standards.test(user) or (is_enterprise.test(user) and user.enterprise_id == enterprise.pk)):
        return None
    declarations = list(
        Declaration.objects.visible_to(user).filter(enterprise=enterprise).select_related("standard")[:SHOWN]
    )
    outdated = list(selectors.outdated_executions(enterprise_id=enterprise.pk)[:SHOWN])
    if not declarations and not outdated:
        return None
    return "standards/file_section.html", {"standard_declarations": declarations, "outdated_standards": outdated}
