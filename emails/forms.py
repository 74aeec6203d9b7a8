from django import forms
from django.utils.translation import gettext_lazy as _

CHECKBOX = "h-4 w-4 rounded border-neutral-400"


class PreferencesForm(forms.Form):
    order_updates_sms = forms.BooleanField(
        label=_("Order updates by SMS"), required=False, widget=forms.CheckboxInput(attrs={"class": CHECKBOX})
    )
    order_updates_email = forms.BooleanField(
        label=_("Order updates and receipts by email"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": CHECKBOX}),
    )
    shipping_updates_sms = forms.BooleanField(
        label=_("Shipping updates by SMS"), required=False, widget=forms.CheckboxInput(attrs={"class": CHECKBOX})
    )
    shipping_updates_email = forms.BooleanField(
        label=_("Shipping updates by email"), required=False, widget=forms.CheckboxInput(attrs={"class": CHECKBOX})
    )
