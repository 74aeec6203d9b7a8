from django import forms
from django.utils.translation import gettext_lazy as _

from shipments.carriers import carriers_for


class ParcelForm(forms.Form):
    """A parcel of one order: its carrier, tracking number and how many of each line it holds."""

    carrier = forms.ChoiceField(label=_("Carrier"))
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        required=False,
        max_length=64,
        help_text=_("Leave empty when the carrier gives none; the customer then gets no tracking link."),
    )

    def __init__(self, *args, order, remaining, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["carrier"].choices = [(c.code, c.label) for c in carriers_for(order.market)]
        self.lines = []
        for item in order.items.all():
            left = remaining.get(item.pk, 0)
            name = f"item_{item.pk}"
            label = f"{item.product_name} · {item.sku_code}" if item.sku_code else item.product_name
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=left,
                initial=left,
                disabled=left == 0,
                help_text=_("%(left)d of %(ordered)d left to ship") % {"left": left, "ordered": item.quantity},
            )
            self.lines.append((item, self[name]))

    def quantities(self):
        """{order item id: units} chosen in the form."""
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") or 0 for item, _field in self.lines}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Put at least one item in the parcel."))
        return cleaned
