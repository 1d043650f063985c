import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.files import PHOTO_TYPES, UploadsField
from core.forms import DATE_INPUT, CreditCodeField, FreeTextField
from enterprises.selectors import current_products, enterprises_on_file, register_filter_form
from inspections.choices import CustodyKind, ReferralSource
from inspections.models import Campaign, Laboratory, TestItem
from inspections.models.campaigns import CAMPAIGN_FIELDS
from inspections.models.tasks import SAMPLING_FIELDS
from inspections.signatures import SIGNATURE_DATA_URL_MAX, png_from_data_url

# The register filters a campaign's eligible pool may use (the same FilterSet as the register list).
POOL_FILTERS = ("district", "area", "industry", "scale", "licence_kind")


class CampaignForm(forms.ModelForm):
    """The plan: what, against which standards (test items are added on the campaign page), how many batches,
    when, in which pool and by which inspectors."""

    roster = forms.ModelMultipleChoiceField(
        label=_("Inspector roster"),
        queryset=User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("full_name", "pk"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The draw picks the inspectors of each task from these."),
    )

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "kind"]  # kind: a product spot check or net content (metrology)
        field_classes = {"legal_basis": FreeTextField, "product_categories": FreeTextField}
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "product_categories": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Laboratory.objects.filter(is_approved=True)
        self.fields["year"].initial = timezone.localdate().year
        if self.instance.pk:
            self.fields["roster"].initial = self.instance.roster.all()
        # The eligible pool: filters over the enterprise register, stored with the campaign.
        pool = register_filter_form()
        for name in POOL_FILTERS:
            field = pool.fields[name]
            field.required = False
            field.label = _("Pool: %s") % field.label
            self.fields[f"pool_{name}"] = field
            self.initial.setdefault(f"pool_{name}", (self.instance.pool_filters or {}).get(name))

    def pool_filters(self) -> dict:
        """The chosen filters as the FilterSet reads them back (ids and codes as text)."""
        filters = {}
        for name in POOL_FILTERS:
            value = self.cleaned_data.get(f"pool_{name}")
            if value not in (None, ""):
                filters[name] = str(getattr(value, "pk", value))
        return filters


def pool_description(pool_filters: dict) -> list[tuple[str, str]]:
    """The eligible pool as people read it: each filter's label and chosen value (names, not ids or codes)."""
    form = register_filter_form(pool_filters or {})
    if not form.is_valid():
        return [(name, str(value)) for name, value in pool_filters.items()]
    shown = []
    for name in POOL_FILTERS:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        shown.append((str(field.label), str(choices.get(value, value))))
    return shown


class TestItemForm(forms.ModelForm):
    class Meta:
        model = TestItem
        fields = [
            "name",
            "standard",
            "clause",
            "limit_kind",
            "lower",
            "upper",
            "unit",
            "requirement",
            "position",
            "product_categories",
            "mandatory",
        ]
        field_classes = {"product_categories": FreeTextField}
        widgets = {"product_categories": forms.Textarea(attrs={"rows": 2})}


class ReferralForm(forms.Form):
    credit_code = CreditCodeField(label=_("Unified social credit code"), queryset=enterprises_on_file())
    source = forms.ChoiceField(label=_("Source"), choices=ReferralSource.choices)
    note = forms.CharField(label=_("Note"), max_length=255)


class ConflictForm(ReferralForm):
    """An inspector declares a conflict by the enterprise's credit code (inspectors do not browse the register)."""

    source = None
    note = None
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ReasonForm(forms.Form):
    reason = FreeTextField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WitnessForm(forms.Form):
    witness = forms.CharField(
        label=_("Witness value (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "Typed by a witness present at the draw (e.g. the discipline inspection officer): the seed is derived "
            "from the bureau's secret and this value, and both are published."
        ),
    )


class RedrawDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve the re-draw")), ("reject", _("Reject"))]
    )
    note = FreeTextField(label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 2}))


class SamplingForm(forms.Form):
    """The sampling record (抽样单), laid out for a phone; or the refusal, its reason and its evidence. Photos are
    received ahead of the record (kept by their keys, so they survive a validation error), the signatures are drawn
    on the screen, and the device's key makes a resend file nothing new."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("sampled", _("Sampled")), ("refused", _("The enterprise refused sampling"))],
        widget=forms.RadioSelect,
        initial="sampled",
    )
    product = forms.ModelChoiceField(label=_("Product on file"), queryset=None, required=False)  # set per task
    product_name = forms.CharField(
        label=_("Product"), max_length=128, required=False, help_text=_("When the product is not on file.")
    )
    specification = forms.CharField(label=_("Model or specification"), max_length=128, required=False)
    trademark = forms.CharField(label=_("Trademark"), max_length=64, required=False)
    batch_number = forms.CharField(label=_("Batch number or production date code"), max_length=64, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE_INPUT)
    quantity = forms.CharField(
        label=_("Quantity sampled"),
        max_length=64,
        required=False,
        help_text=_("e.g. 6 bottles: 3 for testing, 3 in reserve"),
    )
    sampling_place = forms.CharField(label=_("Sampling place"), max_length=128, required=False)
    seal_numbers = forms.CharField(
        label=_("Seal numbers"),
        max_length=128,
        required=False,
        help_text=_("One per sealed unit, separated by commas: each gets a seal label."),
    )
    enterprise_signatory = forms.CharField(label=_("Signed for the enterprise by"), max_length=64, required=False)
    inspector_signatories = forms.CharField(label=_("Signed by the inspectors"), max_length=128)
    refusal_reason = FreeTextField(
        label=_("Reason given for refusing"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    refusal_witness = forms.CharField(
        label=_("Witness of the refusal"),
        max_length=64,
        required=False,
        help_text=_("A refusal needs evidence: a photo, or the name of a witness."),
    )
    confirm_refusal = forms.BooleanField(label=_("I confirm that the enterprise refused to be sampled"), required=False)
    photos = UploadsField(
        label=_("Photos"), required=False, types=PHOTO_TYPES, types_label=_("photos (JPEG, PNG, HEIC, WebP)")
    )
    photo_keys = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)  # comma-separated UUIDs
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    signature_enterprise = forms.CharField(required=False, max_length=SIGNATURE_DATA_URL_MAX, widget=forms.HiddenInput)
    signature_inspector_1 = forms.CharField(required=False, max_length=SIGNATURE_DATA_URL_MAX, widget=forms.HiddenInput)
    signature_inspector_2 = forms.CharField(required=False, max_length=SIGNATURE_DATA_URL_MAX, widget=forms.HiddenInput)

    SIGNATURE_FIELDS = ("signature_enterprise", "signature_inspector_1", "signature_inspector_2")
    # Marked as required on the page before anything is sent (the service checks them again).
    REQUIRED_WHEN_SAMPLED = (
        "product_name",
        "batch_number",
        "quantity",
        "sampling_place",
        "seal_numbers",
        "enterprise_signatory",
        "inspector_signatories",
        "photos",
    )

    SAMPLED_ONLY = (
        "product",
        "product_name",
        "specification",
        "trademark",
        "batch_number",
        "production_date",
        "quantity",
        "sampling_place",
        "seal_numbers",
        "enterprise_signatory",
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        self.inspectors = list(task.inspectors.order_by("pk"))
        self.fields["product"].queryset = current_products(enterprises=task.enterprise)
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        self.initial.setdefault("inspector_signatories", "、".join(i.get_full_name() for i in self.inspectors))
        self.initial.setdefault("sampling_place", task.enterprise.address)
        self.initial.setdefault("client_key", uuid.uuid4())

    def signer_names(self) -> dict:
        names = [i.get_full_name() or i.username for i in self.inspectors] + ["", ""]
        return {
            "enterprise": (self.data.get("enterprise_signatory") or "") if self.is_bound else "",
            "inspector_1": names[0],
            "inspector_2": names[1],
        }

    def clean_photo_keys(self) -> list:
        keys = []
        for text in (self.cleaned_data.get("photo_keys") or "").split(","):
            if text.strip():
                try:
                    keys.append(uuid.UUID(text.strip()))
                except ValueError:
                    raise forms.ValidationError(_("Some photos were not received: send them again.")) from None
        return keys[:50]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "refused" and not data.get("confirm_refusal"):
            self.add_error("confirm_refusal", _("Confirm the refusal before it becomes final."))
        now = timezone.now()
        self.signed = []
        for name in self.SIGNATURE_FIELDS:
            value = data.get(name)
            if not value:
                continue
            role = name.removeprefix("signature_")
            try:
                image = png_from_data_url(value, field=name)
            except ValidationError as error:
                self.add_error(name, error.message_dict[name])
                continue
            signer = data.get("enterprise_signatory") if role == "enterprise" else self.signer_names()[role]
            self.signed.append({"role": role, "signer_name": signer or "", "image": image, "signed_at": now})
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SAMPLING_FIELDS}

    @property
    def refused(self) -> bool:
        return self.cleaned_data["outcome"] == "refused"


class ScanForm(forms.Form):
    """One scan of a seal label, from the phone's camera or a desk scanner typing into the code field."""

    code = forms.CharField(label=_("Seal label code"), max_length=128)
    kind = forms.ChoiceField(label=_("Event"), choices=CustodyKind.choices[1:])
    seal_intact = forms.TypedChoiceField(
        label=_("Seal on receipt"),
        choices=[("", "—"), ("true", _("Intact")), ("false", _("Broken"))],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    place = forms.CharField(label=_("Place"), max_length=128, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    photo = UploadsField(
        label=_("Photo"), required=False, types=PHOTO_TYPES, types_label=_("photos (JPEG, PNG, HEIC, WebP)")
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=12, decimal_places=8)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=12, decimal_places=8)
    key = forms.UUIDField(required=False, widget=forms.HiddenInput)


class RetainedForm(forms.Form):
    storage_place = forms.CharField(label=_("Storage place"), max_length=128)


class DisposalForm(forms.Form):
    note = forms.CharField(label=_("How it was disposed of"), max_length=255)


class FindingsForm(forms.Form):
    """The laboratory's findings, one field per test item: a value for a limit, yes or no for a requirement. Which
    button was pressed (保存草稿 or 提交审核) is read from the request: no hidden field may say "submit" for both."""

    def __init__(self, *args, items, results, categories=(), category="", **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        existing = {result.item_id: result for result in results}
        if len(categories) > 1:  # which category the sample is picks its items (inspections.TestItem.applies_to)
            self.fields["category"] = forms.ChoiceField(
                label=_("Product category of the sample"),
                choices=[("", "—"), *((name, name) for name in categories)],
                required=False,
                initial=category,
                help_text=_("Save the draft after choosing: the test items of that category are then listed."),
            )
        for item in self.items:
            result = existing.get(item.pk)
            label = f"{item.name} ({item.limit_text()})"
            if item.is_qualitative:
                self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                    label=label,
                    choices=[("", "—"), ("yes", _("Meets the requirement")), ("no", _("Does not meet it"))],
                    coerce=lambda value: value == "yes",
                    empty_value=None,
                    required=False,
                    initial={True: "yes", False: "no"}.get(result.conforms if result else None, ""),
                )
            else:
                self.fields[f"item_{item.pk}"] = forms.DecimalField(
                    label=label,
                    max_digits=16,
                    decimal_places=6,
                    required=False,
                    initial=result.value if result else None,
                    help_text=item.unit,
                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                )
            if not item.mandatory:
                self.fields[f"na_{item.pk}"] = forms.BooleanField(
                    label=_("Not applicable to this sample (give the reason in the note)"),
                    required=False,
                    initial=bool(result and result.not_applicable),
                )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), max_length=255, required=False, initial=result.note if result else ""
            )

    def findings(self) -> dict:
        """{item id: finding} for the items filled in."""
        findings = {}
        for item in self.items:
            if self.cleaned_data.get(f"na_{item.pk}"):
                findings[item.pk] = {"not_applicable": True, "note": self.cleaned_data.get(f"note_{item.pk}", "")}
                continue
            answer = self.cleaned_data.get(f"item_{item.pk}")
            if answer is None:
                continue
            key = "conforms" if item.is_qualitative else "value"
            findings[item.pk] = {key: answer, "note": self.cleaned_data.get(f"note_{item.pk}", "")}
        return findings


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the result")), ("return", _("Return to the laboratory"))],
        widget=forms.RadioSelect,
    )
    comment = FreeTextField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    reasons = FreeTextField(label=_("Reasons for the objection"), widget=forms.Textarea(attrs={"rows": 4}))


class RectificationForm(forms.Form):
    report = FreeTextField(
        label=_("Rectification report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The causes found, the measures taken, and how the products on the market were handled."),
    )
    attachments = UploadsField(label=_("Attachments"), required=False)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CloseForm(forms.Form):
    note = FreeTextField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
