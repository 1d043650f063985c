"""Forms of the complaints pages. They only collect and parse input: every rule is checked by complaints.services,
whose errors land back on these fields. The public forms also carry the spam protection: a small sum to work out,
its answer travelling signed and single-use in a hidden field, and a honeypot field people never see."""

import secrets

import rules
from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Model, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from complaints.choices import (
    KIND_EXPLANATIONS,
    OUTCOMES_BY_KIND,
    ComplaintKind,
    NominationStatus,
    Outcome,
    RefusalReason,
)
from complaints.models import Complaint, Nomination
from core.files import PHOTO_TYPES, UploadsField
from core.forms import NOTE, CreditCodeField, FreeTextField
from enterprises import selectors as register
from inspections.selectors import draft_campaigns

MAX_PHOTOS = 6
CHALLENGE_MAX_AGE = 30 * 60  # seconds a challenge may be answered in
_CHALLENGE_SALT = "complaints.challenge"
HONEYPOT = "homepage"  # a field name that form-filling robots like to fill


def lazy_format(message, **params):
    """`message % params`, translated when it is shown rather than when the module is imported."""
    return lazy(lambda: str(message) % params, str)()


# The challenge: a sum of two digits. The token holds a nonce and a keyed digest of the answer (not the answer, which
# a robot could read from the signed but unencrypted token); it is signed with a timestamp and used at most once.


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(_CHALLENGE_SALT, f"{nonce}:{answer}").hexdigest()


def challenge_issue() -> tuple[str, str]:
    """A new question ("3 + 4") and the signed token that checks its answer."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "d": _digest(nonce, first + second)}, salt=_CHALLENGE_SALT)
    return f"{first} + {second}", token


def challenge_check(token: str, answer: int) -> None:
    """Raise a ValidationError unless `answer` answers the challenge of `token`, which is then used up (answered
    right or wrong: one token gives one try)."""
    try:
        payload = signing.loads(token, salt=_CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        raise forms.ValidationError(_("The question has expired: please answer the new one."), code="expired") from None
    except signing.BadSignature:
        raise forms.ValidationError(_("Please answer the question below."), code="invalid") from None
    nonce, digest = str(payload.get("n", "")), str(payload.get("d", ""))
    if not nonce or not cache.add(f"complaints:challenge:{nonce}", 1, timeout=CHALLENGE_MAX_AGE):
        raise forms.ValidationError(_("The question was already answered: please answer the new one."), code="used")
    if not constant_time_compare(digest, _digest(nonce, answer)):
        raise forms.ValidationError(_("That is not the right answer: please try the new question."), code="wrong")


class ChallengeForm(forms.Form):
    """A public form with the spam protection. The question is shown with the answer field; after a failed POST the
    view calls `reissue()` so the page shows a fresh question (each token is answered once)."""

    challenge = forms.CharField(max_length=512, widget=forms.HiddenInput)
    answer = forms.IntegerField(
        label=_("Anti-spam question"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off", "data-testid": "answer"}),
    )
    # Hidden from people (the template puts it in a hidden block); a robot filling every field gives itself away.
    homepage = forms.CharField(
        max_length=200,
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "data-testid": "honeypot"}),
    )

    PROTECTION_FIELDS = ("challenge", "answer", HONEYPOT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"field-{name}")
        if not self.is_bound:
            self.question, token = challenge_issue()
            self.initial["challenge"] = token
        else:
            self.question = ""

    def reissue(self) -> None:
        """Show a new question (with an empty answer) when the form comes back with errors."""
        self.question, token = challenge_issue()
        self.data = self.data.copy()
        self.data["challenge"], self.data["answer"] = token, ""

    def visible_input_fields(self) -> list:
        """The fields people fill in, without the challenge and the honeypot (the template places those)."""
        return [self[name] for name in self.fields if name not in self.PROTECTION_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT):
            raise forms.ValidationError(_("The form could not be accepted. Please try again."), code="honeypot")
        if "answer" in cleaned:
            try:
                challenge_check(cleaned.get("challenge") or "", cleaned["answer"])
            except forms.ValidationError as error:
                self.add_error("answer", error)
        return cleaned


class ComplaintFileForm(ChallengeForm):
    """A complaint (named: name, phone, address and the business complained about) or a tip (anonymous if the
    tipster wishes, with a reward code to claim a reward later) from the public. The service checks what each kind
    requires; the form checks the photos' number, type and size."""

    kind = forms.ChoiceField(
        label=_("What do you report?"),
        choices=ComplaintKind.choices,
        widget=forms.RadioSelect,
        # One sentence each under the choice, so the public knows which to pick.
        help_text=format_lazy("{} {}", *(KIND_EXPLANATIONS[kind] for kind in ComplaintKind)),
    )
    product_name = forms.CharField(label=_("Product"), max_length=128)
    brand = forms.CharField(label=_("Brand or trademark"), max_length=64, required=False)
    enterprise_name = forms.CharField(
        label=_("Business complained about, or maker or seller"),
        max_length=128,
        required=False,
        help_text=_("Required for a complaint (the respondent); for a tip, as printed on the product, if you know it."),
    )
    place = forms.CharField(
        label=_("Where did you buy or find it?"),
        max_length=255,
        help_text=_("Shop, market or address."),
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False, empty_label=_("Not sure"))
    description = forms.CharField(
        label=_("What is wrong with it?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = UploadsField(
        label=_("Photos"),
        types=PHOTO_TYPES,
        types_label=_("photos (JPEG, PNG, HEIC or WebP)"),
        required=False,
        help_text=lazy_format(_("Up to %(count)s photos of the product, its label or the receipt."), count=MAX_PHOTOS),
    )
    anonymous = forms.BooleanField(
        label=_("File anonymously (tips only)"),
        required=False,
        help_text=_("We will not be able to call you back; follow it with the tracking number."),
    )
    reward_code = forms.BooleanField(
        label=_("Give me a reward code (anonymous tips)"),
        required=False,
        help_text=_("Shown once after filing: with it you can name yourself later to claim a reward."),
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Required unless you file a tip anonymously. Only the bureau's staff see it."),
    )
    contact_address = forms.CharField(
        label=_("Your address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("Required for a complaint. Only the bureau's staff see it."),
    )

    field_order = [
        "kind",
        "product_name",
        "brand",
        "enterprise_name",
        "place",
        "district",
        "description",
        "photos",
        "anonymous",
        "reward_code",
        "contact_name",
        "contact_phone",
        "contact_address",
    ]
    VALUES = (
        "kind",
        "product_name",
        "brand",
        "enterprise_name",
        "place",
        "district",
        "description",
        "anonymous",
        "reward_code",
    )
    CONTACT = ("contact_name", "contact_phone", "contact_address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs["accept"] = "image/*," + ",".join(PHOTO_TYPES)
        self.fields["district"].queryset = register.districts()
        self.fields["kind"].initial = ComplaintKind.COMPLAINT

    def clean_photos(self) -> list:
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)s photos."), code="too_many", params={"count": MAX_PHOTOS}
            )
        return photos

    def values(self) -> dict:
        """The `values` of complaints.services.complaint_file; an anonymous tip keeps no contact at all."""
        values = {name: self.cleaned_data[name] for name in self.VALUES}
        if not values["anonymous"]:
            values.update({name: self.cleaned_data[name] for name in self.CONTACT})
        return values


class NominationForm(ChallengeForm):
    """你点我检: a product the public wants the bureau to test."""

    product_name = forms.CharField(label=_("Product to test"), max_length=128)
    reason = forms.CharField(label=_("Why test it?"), max_length=2000, required=False, widget=NOTE)
    place = forms.CharField(label=_("Where is it sold?"), max_length=255, required=False)

    field_order = ["product_name", "reason", "place"]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("product_name", "reason", "place")}


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "data-testid": "number",
            }
        ),
    )

    def clean_number(self) -> str:
        return normalise_number(self.cleaned_data["number"])


def normalise_number(number: str) -> str:
    """Tracking numbers as people type them: spaces and dashes dropped, letters in capitals."""
    return "".join(char for char in number.upper() if char.isalnum())


# Staff forms.


def handler_roles() -> list[str]:
    """The roles whose users the rule "complaints.handle" lets handle complaints."""
    user_model = get_user_model()
    return [role for role in Role if rules.has_perm("complaints.handle", user_model(role=role, is_active=True))]


def handlers():
    users = get_user_model().objects.filter(is_active=True, role__in=handler_roles())
    return users.order_by("role", "full_name", "username")


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, product: Model) -> str:
        return f"{product.enterprise.name} · {product.name}"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enterprise: Model) -> str:
        return f"{enterprise.name} ({enterprise.credit_code})"


class LinkForm(forms.Form):
    """Accept a received complaint, or change a complaint being handled: the enterprise (by its credit code, or
    chosen among those whose name matches the one reported), one of its products, and who handles it."""

    credit_code = CreditCodeField(
        label=_("Enterprise's credit code"),
        required=False,
        widget=forms.TextInput(attrs={"data-testid": "link-credit-code", "autocomplete": "off"}),
        help_text=_("When given, it names the enterprise (whatever is chosen below)."),
    )
    enterprise = EnterpriseChoiceField(
        label=_("Or choose the enterprise"),
        queryset=None,  # set per form: the enterprises this user may see that the complaint may concern
        required=False,
        empty_label=_("None"),
        widget=forms.Select(attrs={"data-testid": "link-enterprise"}),
    )
    product = ProductChoiceField(
        label=_("Product"),
        queryset=None,  # set per form: the products of those enterprises
        required=False,
        empty_label=_("Not known"),
        widget=forms.Select(attrs={"data-testid": "link-product"}),
        help_text=_("The products of the enterprises above; give the credit code first to see an enterprise's."),
    )
    assigned_to = HandlerChoiceField(
        label=_("Handled by"),
        queryset=get_user_model().objects.none(),  # set per form: the rule is read once the rules are loaded
        required=False,
        empty_label=_("Nobody yet"),
        widget=forms.Select(attrs={"data-testid": "link-assigned-to"}),
    )

    CANDIDATES = 10  # enterprises whose name matches the reported one, offered to choose from

    def __init__(self, *args, complaint: Complaint, user, lookup_code: str = "", **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "credit_code": lookup_code,
                "enterprise": complaint.enterprise_id,
                "product": complaint.product_id,
                "assigned_to": complaint.assigned_to_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user
        posted = self.data.get(self.add_prefix("credit_code"), "") if self.is_bound else ""
        codes = {code.strip().upper() for code in (lookup_code, posted) if code and code.strip()}
        visible = register.enterprises_visible_to(user)
        wanted = Q(credit_code__in=codes)
        if complaint.enterprise_id:
            wanted |= Q(pk=complaint.enterprise_id)
        reported = complaint.enterprise_name.strip()
        if len(reported) >= 2:
            matching = visible.filter(name__contains_text=reported).order_by("name", "pk")  # the name-grams index
            wanted |= Q(pk__in=matching.values("pk")[: self.CANDIDATES])
        candidates = visible.filter(wanted).order_by("name", "pk")
        self.fields["enterprise"].queryset = candidates
        self.fields["product"].queryset = (
            register.products()
            .filter(enterprise__in=candidates.values("pk"))
            .select_related("enterprise")
            .order_by("enterprise__name", "name", "pk")
        )
        self.fields["assigned_to"].queryset = handlers()
        self.fields["credit_code"].queryset = visible

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credit_code"):
            cleaned["enterprise"] = cleaned["credit_code"]  # a code typed in wins over the choice in the list
        return cleaned

    def values(self) -> dict:
        """The keyword arguments of complaints.services.complaint_accept and complaint_update."""
        return {name: self.cleaned_data.get(name) for name in ("enterprise", "product", "assigned_to")}


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Ground (SAMR Order 20 Art 15)"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
        widget=forms.Select(attrs={"data-testid": "reject-reason"}),
        help_text=_("Required for a complaint. A consumer dispute is not a ground: accept it and mediate."),
    )
    reply = FreeTextField(
        label=_("Reply to the complainant"),
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "reject-reply"}),
        help_text=_("Why it is not accepted, and where to turn instead. Shown on the tracking page."),
    )

    ERROR_FIELDS = {"refusal_reason": "reason", "public_reply": "reply"}


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("complaint", "Outcome"),
        choices=Outcome.choices,
        widget=forms.Select(attrs={"data-testid": "resolve-outcome"}),
    )
    reply = FreeTextField(
        label=_("Reply to the complainant"),
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "resolve-reply"}),
        help_text=_("What was found and done. Shown on the tracking page."),
    )
    led_to_case = forms.BooleanField(
        label=_("Led to a case (立案)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-testid": "resolve-led-to-case"}),
    )
    major_violation = forms.BooleanField(
        label=_("About a major violation (重大违法行为)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-testid": "resolve-major-violation"}),
        help_text=_("A tip about a major violation that led to a case may earn its tipster a reward."),
    )
    note = FreeTextField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "resolve-note"}),
        help_text=_("For the bureau only."),
    )

    ERROR_FIELDS = {"internal_note": "note", "public_reply": "reply"}

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = OUTCOMES_BY_KIND.get(complaint.kind, ())
        self.fields["outcome"].choices = [(value, label) for value, label in Outcome.choices if value in allowed]
        if not complaint.is_tip:  # a complaint is mediated: no case, no reward
            del self.fields["led_to_case"], self.fields["major_violation"]

    def values(self) -> dict:
        names = ("outcome", "reply", "led_to_case", "major_violation", "note")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "extend-reason"}),
        help_text=_("Once only, by the number of working days the rules allow."),
    )

    ERROR_FIELDS = {"extension_reason": "reason"}


class NotifyForm(forms.Form):
    how = forms.CharField(
        label=_("How the tipster was told"),
        max_length=255,
        widget=forms.TextInput(attrs={"data-testid": "notify-how"}),
        help_text=_("By phone, letter or text message, and when."),
    )

    ERROR_FIELDS = {"tipster_notice": "how"}


class RewardClaimForm(ChallengeForm):
    """An anonymous tipster names themself with the tracking number and the reward code given at filing."""

    number = forms.CharField(label=_("Tracking number"), max_length=24)
    code = forms.CharField(label=_("Reward code"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("Your name"), max_length=64)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )

    field_order = ["number", "code", "name", "phone"]
    ERROR_FIELDS = {"claimant_name": "name", "claimant_phone": "phone"}

    def values(self) -> dict:
        return {
            "number": normalise_number(self.cleaned_data["number"]),
            "code": self.cleaned_data["code"],
            "name": self.cleaned_data["name"],
            "phone": self.cleaned_data["phone"],
        }


class RewardForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Reward (yuan)"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "data-testid": "reward-amount"}),
    )
    note = forms.CharField(
        label=_("Reward decision"),
        max_length=255,
        widget=forms.TextInput(attrs={"data-testid": "reward-note"}),
        help_text=_("Its number or grounds."),
    )

    ERROR_FIELDS = {"reward_amount": "amount", "reward_note": "note"}


def open_nomination_counts(limit: int):
    """The products with open nominations, the most nominated first (at most `limit`), as dicts with
    `product_name` and `nominations`."""
    return (
        Nomination.objects.filter(status=NominationStatus.OPEN)
        .values("product_name")
        .annotate(nominations=Count("pk"))
        .order_by("-nominations", "product_name")[:limit]
    )


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, campaign: Model) -> str:
        return str(campaign)


class AdoptForm(forms.Form):
    """Take the open nominations of the chosen products into a draft campaign's product list."""

    campaign = CampaignChoiceField(
        label=_("Draft campaign"),
        queryset=None,  # set per form: the draft campaigns
        widget=forms.Select(attrs={"data-testid": "adopt-campaign"}),
    )
    product_names = forms.MultipleChoiceField(
        label=_("Products"), choices=[], widget=forms.CheckboxSelectMultiple(attrs={"data-testid": "adopt-product"})
    )

    def __init__(self, *args, products: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = draft_campaigns()
        self.fields["product_names"].choices = [
            (row["product_name"], f"{row['product_name']} ({row['nominations']})") for row in products
        ]
