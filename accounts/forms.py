"""Forms of sign-in and the account area. None asks for a card number or a security code."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from storefront.markets import US_STATES, CardType, Language, PaymentType, normalize_phone

INPUT = "w-full rounded border border-neutral-300 px-3 py-2"
CHOICE = "rounded border border-neutral-300 bg-white px-3 py-2"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("Kyrgyzstan (+996) or United States (+1) numbers, with the country code."),
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "tel",
                "inputmode": "tel",
                "placeholder": "+996 555 123 456",
                "class": INPUT,
                "autofocus": True,
            }
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_phone(self):
        # PhoneNumberRefused is a ValidationError with a message for the shopper.
        return normalize_phone(self.cleaned_data["phone"])[0]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the SMS"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": _("Enter the 6-digit code from the SMS."),
            "min_length": _("The code has 6 digits."),
            "max_length": _("The code has 6 digits."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"\d{6}",
                "class": INPUT + " tracking-[0.5em] text-lg",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("The code has 6 digits."))
        return code


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": INPUT}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("For receipts; you still sign in with your phone."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": INPUT}),
    )
    language = forms.ChoiceField(label=_("Language"), widget=forms.Select(attrs={"class": CHOICE}))

    def __init__(self, *args, market, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, Language(code).label) for code in market.languages]


class AddressForm(forms.Form):
    title = forms.CharField(
        label=_("Name of this address"),
        max_length=60,
        required=False,
        help_text=_("Home, Work…"),
        widget=forms.TextInput(attrs={"class": INPUT}),
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1", "class": INPUT}),
    )
    building = forms.CharField(
        label=_("Building"), max_length=30, required=False, widget=forms.TextInput(attrs={"class": INPUT})
    )
    apartment = forms.CharField(
        label=_("Apartment"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2", "class": INPUT}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "class": INPUT}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Choose a state")), *US_STATES.items()],
        widget=forms.Select(attrs={"autocomplete": "address-level1", "class": CHOICE}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": INPUT}),
    )
    make_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    def __init__(self, *args, market, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_format = market.address
        if self.address_format.cities:
            self.fields["city"] = forms.ChoiceField(
                label=_("City"),
                choices=[("", _("Choose a city")), *((city, _(city)) for city in self.address_format.cities)],
                widget=forms.Select(attrs={"autocomplete": "address-level2", "class": CHOICE}),
            )
        if not self.address_format.requires_state:
            del self.fields["state"]
        postal = self.fields["postal_code"]
        postal.required = self.address_format.postal_code_required
        if self.address_format.requires_state:
            postal.label = _("ZIP code")
            postal.help_text = _("5 digits, or ZIP+4 such as 10001-1234.")
        else:
            postal.help_text = _("Optional; 6 digits, such as 720001.")

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not value:
            return value
        if self.address_format.requires_state and re.fullmatch(r"\d{9}", value):
            value = f"{value[:5]}-{value[5:]}"
        if not re.fullmatch(self.address_format.postal_code_pattern, value):
            if self.address_format.requires_state:
                raise forms.ValidationError(_("Enter a 5-digit ZIP code, or ZIP+4 such as 10001-1234."))
            raise forms.ValidationError(_("A postal code in Kyrgyzstan has 6 digits, such as 720001."))
        return value


def _months():
    return [("", _("Month")), *((str(m), f"{m:02d}") for m in range(1, 13))]


def _years():
    year = timezone.localdate().year
    return [("", _("Year")), *((str(y), str(y)) for y in range(year, year + 16))]


class PaymentMethodForm(forms.Form):
    """A way to pay; for a card only the display copy a gateway would return (brand, last 4, expiry)."""

    payment_type = forms.ChoiceField(label=_("Way to pay"), widget=forms.RadioSelect)
    card_type = forms.ChoiceField(
        label=_("Card brand"),
        required=False,
        choices=[("", _("Choose a brand")), *CardType.choices],
        widget=forms.Select(attrs={"class": CHOICE}),
    )
    last4 = forms.CharField(
        label=_("Last 4 digits of the card"),
        required=False,
        min_length=4,
        max_length=4,
        help_text=_("Only the last 4 digits. We never ask for the full card number or the security code."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": r"\d{4}", "autocomplete": "off", "class": INPUT + " w-24"}
        ),
    )
    expiry_month = forms.TypedChoiceField(
        label=_("Expiry month"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": CHOICE}),
    )
    expiry_year = forms.TypedChoiceField(
        label=_("Expiry year"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": CHOICE}),
    )
    card_holder_name = forms.CharField(
        label=_("Name on the card"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name", "class": INPUT}),
    )
    make_default = forms.BooleanField(label=_("Use as my default way to pay"), required=False)

    def __init__(self, *args, payment_types, market, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_type"].choices = [(t, PaymentType(t).label) for t in payment_types]
        if len(payment_types) == 1:
            self.fields["payment_type"].widget = forms.HiddenInput()
            self.fields["payment_type"].initial = payment_types[0]
        # Every brand is a valid answer (so a refused one gets a clear message from the service);
        # only the market's brands are offered.
        self.fields["card_type"].widget.choices = [
            ("", _("Choose a brand")),
            *((c, CardType(c).label) for c in market.card_types),
        ]
        self.fields["expiry_month"].choices = _months()
        self.fields["expiry_year"].choices = _years()
