"""Forms of the brand pages. They only collect and parse input: every rule is checked by brands.services, whose
errors land back on these fields."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.roles import BUREAU_STAFF_ROLES, Role
from brands.choices import HelpKind, ProgrammeKind, ReviewStatus, Stage, TargetCategory
from brands.criteria import CRITERIA
from brands.models import ReviewAssignment
from core.files import UploadsField
from core.forms import DATE_INPUT, NOTE, CreditCodeField, FreeTextField
from credit.choices import Grade
from enterprises.selectors import current_products, enterprises_on_file

YEAR = {"min_value": 2000, "max_value": 2100}


def staff_users():
    """The bureau's staff who may be responsible for a target, by name."""
    return User.objects.filter(role__in=sorted(BUREAU_STAFF_ROLES), is_active=True).order_by("full_name", "pk")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name()


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name()


def _points_field(label, maximum: int, *, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        min_value=0,
        max_value=maximum,
        help_text=_("0–%(max)s points") % {"max": maximum},
        widget=forms.NumberInput(attrs={"step": "any", "min": 0, "max": maximum, "inputmode": "decimal"}),
    )


class PointsMixin:
    """One number field per GB/T 19580 category (`score_<code>`), from 0 to the category's points."""

    def add_points_fields(self, initial: dict | None = None) -> None:
        for code, label, maximum in CRITERIA:
            field = _points_field(label, maximum)
            if initial and code in initial:
                field.initial = initial[code]
            self.fields[f"score_{code}"] = field

    def points_rows(self) -> list[tuple[str, str, int, forms.BoundField]]:
        return [(code, label, maximum, self[f"score_{code}"]) for code, label, maximum in CRITERIA]

    def points(self) -> dict[str, float]:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label, _maximum in CRITERIA}


# Cultivation targets.


class TargetForm(forms.Form):
    """A cultivation target; a new one names its enterprise by its unified social credit code."""

    credit_code = CreditCodeField(label=_("Enterprise (unified social credit code)"), queryset=enterprises_on_file())
    year = forms.IntegerField(label=_("Year"), **YEAR)
    category = forms.ChoiceField(label=_("Category"), choices=TargetCategory.choices)
    officer = StaffChoiceField(label=_("Responsible officer"), queryset=staff_users())
    goal = forms.CharField(label=_("Goal"), max_length=255, help_text=_("e.g. the honour or standing aimed at"))
    plan = FreeTextField(label=_("Cultivation plan"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, target=None, **kwargs):
        if target is not None:
            kwargs.setdefault(
                "initial",
                {
                    "year": target.year,
                    "category": target.category,
                    "officer": target.officer_id,
                    "goal": target.goal,
                    "plan": target.plan,
                },
            )
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        if target is not None:
            del self.fields["credit_code"]  # the enterprise of a target does not change

    ERROR_FIELDS = {"enterprise": "credit_code"}

    def values(self) -> dict:
        """The `values` of brands.services.target_save."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("year", "category", "officer", "goal", "plan")}
        if "credit_code" in data:
            values["enterprise"] = data["credit_code"]
        return values


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=255, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Reached on"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class HelpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpKind.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT)
    description = FreeTextField(label=_("What was done"), required=False, widget=NOTE)


class ProgressNoteForm(forms.Form):
    text = FreeTextField(label=_("Progress"), required=False, widget=NOTE)


class CloseTargetForm(forms.Form):
    note = FreeTextField(label=_("Why the cultivation ends"), required=False, widget=NOTE)


# Programmes.


class ProgrammeForm(forms.Form):
    """A yearly call and its rules: the stages and the eligibility rules are assembled from their fields."""

    kind = forms.ChoiceField(label=_("Programme"), choices=ProgrammeKind.choices)
    year = forms.IntegerField(label=_("Year"), **YEAR)
    title = forms.CharField(label=_("Title"), max_length=128, required=False)
    description = FreeTextField(label=_("The call"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    closes_on = forms.DateField(label=_("Applications close on"), widget=DATE_INPUT)
    award_count = forms.IntegerField(label=_("Number of awards"), min_value=1, max_value=1000)
    validity_years = forms.IntegerField(label=_("Honour valid for (years)"), initial=5, min_value=1, max_value=10)
    stages = forms.MultipleChoiceField(
        label=_("Review stages"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Stage.values),
        required=False,
    )
    min_reviewers = forms.IntegerField(label=_("Reviewers per stage (at least)"), initial=3, min_value=1, max_value=30)
    trim_from = forms.IntegerField(
        label=_("Drop highest and lowest from (reviewers)"),
        initial=5,
        min_value=3,
        max_value=100,
        help_text=_("With at least this many scores, the highest and the lowest are dropped before the mean."),
    )
    grades = forms.MultipleChoiceField(
        label=_("Credit grades that may apply"),
        choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["A", "B"],
        required=False,
    )
    clean_years = forms.IntegerField(
        label=_("No failed spot check or listing in the last (years)"), initial=3, min_value=0, max_value=10
    )
    trading_years = forms.IntegerField(label=_("Trading for at least (years)"), initial=3, min_value=0, max_value=50)
    valid_licences = forms.BooleanField(label=_("Every licence held must be valid"), initial=True, required=False)
    notice_working_days = forms.IntegerField(
        label=_("Public notice (working days)"), initial=7, min_value=1, max_value=30
    )

    RULES = ("grades", "clean_years", "trading_years", "valid_licences")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)

    # The service reports the eligibility rules as one "eligibility" error; it shows at the grades.
    ERROR_FIELDS = {"eligibility": "grades"}

    def values(self) -> dict:
        """The `values` of brands.services.programme_create."""
        data = self.cleaned_data
        names = ("kind", "year", "title", "description", "closes_on", "award_count", "validity_years")
        values = {name: data[name] for name in names}
        values |= {name: data[name] for name in ("min_reviewers", "trim_from", "notice_working_days")}
        values["stages"] = list(data["stages"])
        values["eligibility"] = {name: data[name] for name in self.RULES}
        return values


class NoticeForm(forms.Form):
    text = FreeTextField(
        label=_("Notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published with the proposed winners; objections are open for the call's notice period."),
    )


class SubmitForm(forms.Form):
    """The submission of the proposed winners to the conferring body."""

    note = forms.CharField(
        label=_("Submission"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the bureau's letter and its number"),
    )


class ConferralForm(forms.Form):
    """The conferring body's decision: its name, document number (文号) and date, and the winners it did not confer
    (every winner is conferred unless ticked here), with the reason."""

    conferring_body = forms.CharField(label=_("Conferring body"), max_length=128)
    document_number = forms.CharField(
        label=_("Document number"), max_length=64, required=False, help_text=_("e.g. 岳政发〔2026〕12号")
    )
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE_INPUT)
    not_conferred = forms.ModelMultipleChoiceField(
        label=_("Not conferred"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the winners the conferring body did not confer (all of them for a decision not to confer)."),
    )
    reason = forms.CharField(label=_("Reason not conferred"), required=False, max_length=2000, widget=NOTE)

    def __init__(self, *args, winners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_conferred"].queryset = winners
        self.fields["not_conferred"].label_from_instance = lambda application: (
            f"{application.enterprise.name} · {application.product}"
            if application.product_id
            else application.enterprise.name
        )


RESOLUTIONS = [("dismissed", _("Dismissed")), ("upheld", _("Upheld: take the application out of the award"))]


class ObjectionResolveForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.ChoiceField(label=_("Resolution"), choices=RESOLUTIONS, widget=forms.RadioSelect)
    note = FreeTextField(label=_("How it was looked into, and the conclusion"), required=False, widget=NOTE)

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["resolution"] == "upheld"


# Applications.


class ApplicationForm(PointsMixin, forms.Form):
    """An application to a call: the statement, the product (for a famous-brand call), the self-assessment per
    GB/T 19580 category (`score_<code>`) and attachments."""

    summary = FreeTextField(
        label=_("Application statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The enterprise's (or the product's) quality achievements."),
    )
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False)  # the enterprise's
    attachments = UploadsField(label=_("Attachments"), required=False)

    def __init__(self, *args, programme, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        if programme.needs_product:
            self.fields["product"].queryset = current_products(enterprises=enterprise)
        else:
            del self.fields["product"]
        self.add_points_fields()
        self.order_fields(["summary", "product"])

    def details_fields(self) -> list:
        return [self[name] for name in ("summary", "product") if name in self.fields]

    def values(self) -> dict:
        """The `values` of brands.services.application_submit."""
        return {
            "summary": self.cleaned_data["summary"],
            "product": self.cleaned_data.get("product"),
            "self_assessment": self.points(),
        }


class ReasonForm(forms.Form):
    reason = FreeTextField(label=_("Reason"), required=False, widget=NOTE)


class StageShownForm(forms.Form):
    """A decision taken on a page that showed the application at a stage: the stage travels with the form, so a
    page left open does not act on a later stage."""

    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput, required=False)


class AssignReviewersForm(StageShownForm):
    reviewers = ExpertChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        experts = User.objects.filter(role=Role.EXPERT, is_active=True).order_by("full_name", "pk")
        if application is not None:
            # Not those already on this stage, nor those who recused from the application (at any stage).
            taken = ReviewAssignment.objects.filter(application=application).filter(
                Q(stage=application.stage) | Q(status=ReviewStatus.RECUSED)
            )
            experts = experts.exclude(pk__in=taken.values("reviewer_id"))
            self.fields["stage"].initial = application.stage
        self.fields["reviewers"].queryset = experts


class StageDecisionForm(StageShownForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("advance", _("Goes on to the next stage")), ("stop", _("Stops here"))],
        widget=forms.RadioSelect,
    )
    note = FreeTextField(label=_("Note"), required=False, widget=NOTE)

    @property
    def advance(self) -> bool:
        return self.cleaned_data["decision"] == "advance"


class CommitteeForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The committee's decision"),
        choices=[("propose", _("Propose for the award")), ("not", _("Do not propose"))],
        widget=forms.RadioSelect,
    )
    note = FreeTextField(label=_("Note"), required=False, widget=NOTE)

    @property
    def propose(self) -> bool:
        return self.cleaned_data["decision"] == "propose"


# Expert review.


class ScoreForm(PointsMixin, forms.Form):
    comment = FreeTextField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_points_fields()
        self.order_fields([f"score_{code}" for code, _label, _maximum in CRITERIA])


class RecuseForm(forms.Form):
    reason = FreeTextField(
        label=_("Conflict of interest"),
        required=False,
        widget=NOTE,
        help_text=_("What ties you to the applicant (kept on file)."),
    )


# Honours.


class HonourReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), **YEAR)
    passed = forms.ChoiceField(
        label=pgettext_lazy("yearly review", "Outcome"),
        choices=[("yes", _("Still meets the rules")), ("no", _("No longer meets the rules: propose revocation"))],
        widget=forms.RadioSelect,
    )
    note = FreeTextField(label=_("Review findings"), required=False, widget=NOTE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)

    @property
    def is_passed(self) -> bool:
        return self.cleaned_data["passed"] == "yes"


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm: revoke the honour")), ("dismiss", _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    note = FreeTextField(label=_("Grounds"), required=False, widget=NOTE)

    @property
    def confirm(self) -> bool:
        return self.cleaned_data["decision"] == "confirm"
