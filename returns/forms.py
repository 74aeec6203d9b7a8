"""The shopper's return form: a quantity for each line that may still be returned, a reason, a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnRequest

NOTE_MAX_LENGTH = 1000


class ReturnRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose a reason")), *ReturnRequest.Reason.choices])
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.returnable > 0]
        for line in self.lines:
            self.fields[self.field_name(line.item)] = forms.IntegerField(
                label=_("Units of %(name)s to return") % {"name": line.item.shown_name},
                min_value=0,
                max_value=line.returnable,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    @staticmethod
    def field_name(item):
        return f"quantity_{item.pk}"

    def line_fields(self):
        """(line, bound field) pairs for the template."""
        return [(line, self[self.field_name(line.item)]) for line in self.lines]

    def quantities(self):
        return {line.item.pk: self.cleaned_data.get(self.field_name(line.item)) or 0 for line in self.lines}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return cleaned
