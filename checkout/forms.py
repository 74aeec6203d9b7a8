"""The checkout form: where to deliver, how to pay, notes for the courier."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from checkout.orders import CHECKOUT_KEY_PATTERN, payment_choices

NOTES_MAX_LENGTH = 500
# The hidden key is never typed: whatever is wrong with it, the shopper reviews the order again.
KEY_OUT_OF_DATE = _("This checkout form is out of date. Please review your order again.")


def new_checkout_key() -> str:
    """The key one rendering of the checkout form carries; submitting it twice places one order."""
    return secrets.token_urlsafe(24)


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, address):
        return address.one_line()


class CheckoutForm(forms.Form):
    address = AddressChoiceField(
        label=_("Deliver to"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a delivery address."),
            "invalid_choice": _("Choose one of your delivery addresses."),
        },
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how you will pay."),
            "invalid_choice": _("Choose a way to pay that this market offers."),
        },
    )
    delivery_notes = forms.CharField(
        label=_("Notes for the courier"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "class": "w-full rounded border border-neutral-300 px-3 py-2",
                "maxlength": NOTES_MAX_LENGTH,
            }
        ),
        help_text=_("Entrance, floor, the best time to call…"),
    )
    checkout_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": KEY_OUT_OF_DATE,
            "max_length": KEY_OUT_OF_DATE,
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        addresses = user.addresses.order_by("-is_default", "-created_at")
        self.fields["address"].queryset = addresses
        choices = payment_choices(user.market_config)
        self.fields["payment_method"].choices = choices
        if not self.is_bound:
            default = next((a for a in addresses if a.is_default), None) or addresses.first()
            self.initial.setdefault("address", default.pk if default else None)
            self.initial.setdefault("payment_method", choices[0][0] if choices else None)
            self.initial.setdefault("checkout_key", new_checkout_key())

    def clean_checkout_key(self):
        key = self.cleaned_data["checkout_key"]
        if not CHECKOUT_KEY_PATTERN.match(key):
            raise forms.ValidationError(KEY_OUT_OF_DATE)
        return key
