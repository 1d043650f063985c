"""What anyone may do without logging in: file a complaint or a tip, follow it by its tracking number (with the
countdowns of its clocks), claim a tip's reward with the reward code, and nominate a product for testing (你点我检).
The forms are protected against spam (a limit per network address, a small sum to work out, a honeypot field);
the tracking page shows the status and the reply, never who complained, the internal notes, the handler or the
enterprise linked."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from complaints import forms, services
from complaints.choices import ComplaintStatus
from complaints.clocks import with_countdowns
from complaints.models import Complaint
from core.pages import submit
from core.ratelimit import RateLimit

FILED_SESSION_KEY = "complaints:filed"
REWARD_CODE_SESSION_KEY = "complaints:reward_code"  # shown once on the confirmation, then dropped
PUBLIC_FIELDS = (
    "tracking_number",
    "kind",
    "product_name",
    "received_at",
    "status",
    "outcome",
    "public_reply",
    "anonymous",
    "contact_phone",
    "accept_due",
    "mediation_due",
    "decision_due",
    "extended_at",
    "notice_due",
    "tipster_notified_at",
)
CLOSED = (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
TOP_NOMINATIONS = 20


# The web forms and the API share these counts.
FILINGS = RateLimit("file", 5)
LOOKUPS = RateLimit("track", 30)
NOMINATIONS = RateLimit("nominate", 10)


def _too_many(form, limit: RateLimit) -> None:
    form.add_error(
        None,
        ValidationError(
            _(
                "Too many requests from your network address: at most %(count)s an hour. Please try again later, "
                "or call the bureau's 12315 hotline."
            ),
            code="rate_limited",
            params={"count": limit.count},
        ),
    )


def _submitted(request, form, limit: RateLimit, save) -> object | None:
    """Validate a public form under its rate limit and call `save(form)`: what it returned, or None with the errors
    on the form (and a fresh question for the next try)."""
    if not limit.take(request):
        form.full_clean()  # the entered values come back (with a new question below)
        _too_many(form, limit)
        form.reissue()
        return None
    saved = submit(form, save)
    if saved is None:
        form.reissue()
    return saved


def _status(form) -> int:
    return 429 if form.has_error("__all__", "rate_limited") else 200


@never_cache  # each page carries its own single-use question
def complaint_new(request):
    form = forms.ComplaintFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        complaint = _submitted(
            request,
            form,
            FILINGS,
            lambda f: services.complaint_file(
                values=f.values(),
                photos=f.cleaned_data["photos"],
                actor=request.user if request.user.is_authenticated else None,
            ),
        )
        if complaint is not None:
            request.session[FILED_SESSION_KEY] = complaint.tracking_number
            if complaint.reward_code:
                request.session[REWARD_CODE_SESSION_KEY] = complaint.reward_code
            return redirect("complaints:filed")
    return render(request, "complaints/public/complaint_form.html", {"form": form}, status=_status(form))


@never_cache
def complaint_filed(request):
    """The confirmation, once, in the session that filed it (the tracking page is rate-limited; this is not)."""
    number = request.session.get(FILED_SESSION_KEY)
    if not number:
        return redirect("complaints:new")
    reward_code = request.session.pop(REWARD_CODE_SESSION_KEY, "")  # once: a reload no longer shows it
    return render(request, "complaints/public/complaint_filed.html", {"number": number, "reward_code": reward_code})


def track(request):
    form = forms.TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("complaints:track_status", number=form.cleaned_data["number"])
    return render(request, "complaints/public/track.html", {"form": form})


@never_cache
def track_status(request, number: str):
    """A complaint's public status by its tracking number. Lookups count against the address's limit whether the
    number exists or not; an unknown or malformed number is the same 404."""
    if not LOOKUPS.take(request):
        return render(request, "complaints/public/track.html", {"form": forms.TrackForm(), "limited": True}, status=429)
    number = forms.normalise_number(number)
    complaint = Complaint.objects.only(*PUBLIC_FIELDS).filter(tracking_number=number).first() if number else None
    if complaint is None:
        raise Http404
    context = {
        "complaint": complaint,
        "closed": complaint.status in CLOSED,
        "form": forms.TrackForm(),
        "countdowns": [c for c in with_countdowns(complaint) if c.key != "notice"],  # the notice is staff's clock
    }
    return render(request, "complaints/public/track_status.html", context)


@never_cache
def reward_claim(request):
    """An anonymous tipster names themself with the tracking number and the reward code, so that a reward can reach
    them. Under the lookups' limit: codes cannot be tried at scale."""
    form = forms.RewardClaimForm(request.POST or None)
    if request.method == "POST":
        claimed = _submitted(
            request,
            form,
            LOOKUPS,
            lambda f: services.reward_claim(
                **f.values(), actor=request.user if request.user.is_authenticated else None
            ),
        )
        if claimed is not None:
            messages.success(request, _("Thank you: the bureau can now reach you about a reward for this tip."))
            return redirect("complaints:track_status", number=claimed.tracking_number)
    return render(request, "complaints/public/reward_claim.html", {"form": form}, status=_status(form))


@never_cache
def nominations(request):
    form = forms.NominationForm(request.POST or None)
    if request.method == "POST":
        nomination = _submitted(
            request,
            form,
            NOMINATIONS,
            lambda f: services.nomination_submit(
                values=f.values(), actor=request.user if request.user.is_authenticated else None
            ),
        )
        if nomination is not None:
            messages.success(request, _("Thank you: your nomination is recorded."))
            return redirect("complaints:nominate")
    context = {"form": form, "top": list(forms.open_nomination_counts(TOP_NOMINATIONS))}
    return render(request, "complaints/public/nominations.html", context, status=_status(form))
