"""Filters of spot checks, one per model (the API's lists; a page that filters the same rows uses the same one).
Enterprises are filtered by id as a plain number: a filter must not tell a user which enterprise ids exist beyond
those they may see (a choice filter over the register would answer "invalid choice" for one and nothing for
another)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.filters import IdFilter
from inspections.models import FollowUp, LabTest, PublishedResult, Task


class TaskFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Task
        fields = ["campaign", "status", "kind", "enterprise"]


class LabTestFilterSet(django_filters.FilterSet):
    campaign = IdFilter(field_name="task__campaign_id", label=_("Campaign"))
    task = IdFilter(field_name="task_id", label=_("Task"))

    class Meta:
        model = LabTest
        fields = ["status", "kind", "verdict", "campaign", "task"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Blind testing: a laboratory must not be able to tie a sample code to a task by filtering.
        if request is not None and getattr(request.user, "role", None) == Role.LAB_TECHNICIAN:
            self.filters.pop("task")


class FollowUpFilterSet(django_filters.FilterSet):
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise"))
    campaign = IdFilter(field_name="task__campaign_id", label=_("Campaign"))

    class Meta:
        model = FollowUp
        fields = ["stage", "outcome", "enterprise", "campaign"]


class PublishedResultFilterSet(django_filters.FilterSet):
    withdrawn = django_filters.BooleanFilter(field_name="withdrawn_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = PublishedResult
        fields = ["campaign", "verdict", "withdrawn"]
