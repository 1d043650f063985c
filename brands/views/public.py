"""What anyone may read without logging in: the published notices of proposed winners and the signed-objection
form while a notice runs (the public portal lists the honours in force). Nothing else of a call shows here: not
the applicants that were ineligible, not selected or withdrew."""

from django import forms
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands import services
from brands.choices import ApplicationStatus
from brands.models import Application, Notice
from core.pages import paginate, submit
from core.ratelimit import RateLimit

# Signed objections are read and answered by staff: one address may file this many an hour (filed ones count).
OBJECTIONS = RateLimit("objections", 5)


class ProposedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, application: Application) -> str:
        if application.product_id:
            return f"{application.enterprise.name} · {application.product}"
        return application.enterprise.name


class ObjectionForm(forms.Form):
    """A signed objection (实名异议): to which proposed winner, by whom (name and a phone to reach them), and why.
    brands.services.objection_file checks the rest (the notice still open, the application still proposed)."""

    application = ProposedChoiceField(label=gettext_lazy("Objection to"), queryset=Application.objects.none())
    name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=128, required=False)
    text = forms.CharField(
        label=gettext_lazy("Objection and its grounds"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Say what you object to and on what facts; staff may call you to find out more."),
    )

    def __init__(self, *args, proposed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = proposed


def _published() -> QuerySet[Notice]:
    return Notice.objects.published().select_related("programme")


def notice_list(request):
    page, query = paginate(request, _published().order_by("-published_on", "-pk"))
    return render(request, "brands/public/notice_list.html", {"page": page, "query": query})


def notice_detail(request, pk: int):
    notice = get_object_or_404(_published(), pk=pk)
    programme = notice.programme
    winners = list(
        programme.applications.on_notice().select_related("enterprise", "product").order_by("enterprise__name", "pk")
    )
    proposed = programme.applications.filter(status=ApplicationStatus.PROPOSED).select_related("enterprise", "product")
    is_open = notice.is_open()
    form, status, rate_limited = None, 200, False
    if is_open and any(winner.status == ApplicationStatus.PROPOSED for winner in winners):
        form = ObjectionForm(request.POST if request.method == "POST" else None, proposed=proposed)
        if request.method == "POST":
            if OBJECTIONS.exceeded(request):
                rate_limited, status = True, 429
                form.add_error(
                    None,
                    _(
                        "Too many objections have been filed from your network address: at most %(count)s in an "
                        "hour. Please try again later, or contact the bureau by phone."
                    )
                    % {"count": OBJECTIONS.count},
                )
            elif submit(
                form,
                lambda f: services.objection_file(
                    actor=request.user if request.user.is_authenticated else None,
                    notice=notice,
                    application=f.cleaned_data["application"],
                    values={name: f.cleaned_data[name] for name in ("name", "phone", "organisation", "text")},
                ),
            ):
                OBJECTIONS.hit(request)
                return redirect("brands_public:objection_filed", pk=notice.pk)
    elif request.method == "POST":
        status = 409  # the period ended (or every proposed winner was taken out) while the form was open
    context = {
        "notice": notice,
        "programme": programme,
        "winners": winners,
        "is_open": is_open,
        "form": form,
        "rate_limited": rate_limited,
        "posted_closed": status == 409,
    }
    return render(request, "brands/public/notice_detail.html", context, status=status)


def objection_filed(request, pk: int):
    notice = get_object_or_404(_published(), pk=pk)
    return render(request, "brands/public/objection_filed.html", {"notice": notice})
