"""Cultivation targets (重点培育对象): the bureau's list by year, each with its plan, milestones, the help given and
progress notes. Staff keep them; the enterprise reads its own plan."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import forms, services
from brands.choices import TargetStatus
from brands.filtersets import CultivationTargetFilterSet
from brands.models import CultivationTarget
from core.decorators import rule_required
from core.pages import form_page, paginate, submit
from core.transitions import require_perm


@rule_required("brands.view_all")
def target_list(request):
    today = timezone.localdate()
    filterset = CultivationTargetFilterSet(
        request.GET or None, queryset=CultivationTarget.objects.visible_to(request.user)
    )
    rows = filterset.qs.select_related("enterprise", "officer")
    rows = rows.annotate(
        open_milestones=Count("milestones", filter=Q(milestones__done_on__isnull=True)),
        overdue_milestones=Count(
            "milestones", filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=today)
        ),
    )
    page, query = paginate(request, rows.order_by("-year", "enterprise__name", "pk"))
    context = {"form": filterset.form, "page": page, "query": query}
    return render(request, "brands/target_list.html", context)


@rule_required("brands.manage_targets")
def target_create(request):
    form = forms.TargetForm(request.POST or None)
    return form_page(
        request,
        form,
        title=_("New cultivation target"),
        save=lambda f: services.target_save(actor=request.user, values=f.values()),
        back=reverse("brands:targets"),
        done=_("The enterprise is on the list of cultivation targets."),
    )


@rule_required("brands.manage_targets")
def target_edit(request, pk: int):
    target = get_object_or_404(CultivationTarget.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    form = forms.TargetForm(request.POST or None, target=target)
    return form_page(
        request,
        form,
        title=_("Edit the cultivation target"),
        save=lambda f: services.target_save(actor=request.user, values=f.values(), target=target),
        back=target.get_absolute_url(),
        done=_("Saved."),
        facts=[(_("Enterprise"), target.enterprise.name)],
    )


def _target_forms(request, target) -> tuple[dict, dict, HttpResponse | None]:
    """The forms of the target page (the posted one bound), the bound "reached" form of a milestone if one was
    posted, and the redirect once a posted action is done."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    today = timezone.localdate()
    classes = {
        "milestone": forms.MilestoneForm,
        "help": forms.HelpForm,
        "note": forms.ProgressNoteForm,
        "close": forms.CloseTargetForm,
    }
    initial = {"help": {"given_on": today}}
    page_forms = {name: cls(initial=initial.get(name)) for name, cls in classes.items()}
    done_forms = {}
    if action is None:
        return page_forms, done_forms, None
    require_perm(user, "brands.manage_targets")
    calls = {
        "milestone": lambda f: services.milestone_add(actor=user, target=target, **f.cleaned_data),
        "help": lambda f: services.help_record(actor=user, target=target, **f.cleaned_data),
        "note": lambda f: services.progress_note(actor=user, target=target, text=f.cleaned_data["text"]),
        "close": lambda f: services.target_close(actor=user, target=target, note=f.cleaned_data["note"]),
    }
    messages_done = {
        "milestone": _("Milestone added."),
        "help": _("The help given is recorded."),
        "note": _("Progress note added."),
        "close": _("The cultivation is closed."),
        "done": _("Milestone marked as reached."),
    }
    if action in classes:
        form = page_forms[action] = classes[action](request.POST)
        if submit(form, calls[action]):
            messages.success(request, messages_done[action])
            return page_forms, done_forms, redirect(target)
    elif action == "done":
        posted = request.POST.get("milestone", "")
        milestone = target.milestones.filter(pk=posted if posted.isdecimal() else 0).first()
        if milestone is None:
            return page_forms, done_forms, redirect(target)
        form = done_forms[milestone.pk] = forms.MilestoneDoneForm(
            request.POST, auto_id=f"id_milestone{milestone.pk}_%s"
        )
        if submit(
            form,
            lambda f: services.milestone_done(
                actor=user, milestone=milestone, done_on=f.cleaned_data["done_on"], note=f.cleaned_data["note"]
            ),
        ):
            messages.success(request, messages_done["done"])
            return page_forms, done_forms, redirect(target)
    else:
        return page_forms, done_forms, redirect(target)
    return page_forms, done_forms, None


@rule_required("brands.list_targets")
def target_detail(request, pk: int):
    target = get_object_or_404(
        CultivationTarget.objects.visible_to(request.user).select_related("enterprise", "officer", "created_by"),
        pk=pk,
    )
    if not request.user.has_perm("brands.view_target", target):
        raise PermissionDenied
    page_forms, done_forms, done = _target_forms(request, target)
    if done is not None:
        return done
    today = timezone.localdate()
    can_manage = request.user.has_perm("brands.manage_targets")
    milestones = list(target.milestones.all())
    for milestone in milestones:
        milestone.done_form = done_forms.get(milestone.pk) or forms.MilestoneDoneForm(
            initial={"milestone": milestone.pk, "done_on": today}, auto_id=f"id_milestone{milestone.pk}_%s"
        )
    context = {
        "target": target,
        "milestones": milestones,
        "help": target.help.select_related("recorded_by"),
        "notes": target.notes.select_related("author"),
        "today": today,
        "staff": request.user.has_perm("brands.view_all"),
        "can_manage": can_manage,
        "active": target.status == TargetStatus.ACTIVE,
        **{f"{name}_form": form for name, form in page_forms.items()},
    }
    return render(request, "brands/target_detail.html", context)
