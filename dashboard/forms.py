import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboard.rollups import today as markets_today

DEFAULT_DAYS = 30
LONGEST = 366
EARLIEST = datetime.date(2000, 1, 1)


class PeriodForm(forms.Form):
    """The period the dashboard shows: the last 7, 30 or 90 days, or from one date to another.

    `markets`: the codes of the markets shown (every market by default). Their days are their own
    (`dashboard.rollups`): a period ends on the newest day any of them has begun, and each
    market's figures keep to the days it has begun (`dashboard.reports.own_days`)."""

    RANGES = (("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")))

    days = forms.TypedChoiceField(label=_("Period"), choices=RANGES, coerce=int, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, markets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.markets = markets

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            self.add_error(missing, _("Give both dates, or pick one of the periods."))
            return cleaned
        if start is None:
            return cleaned
        today = markets_today(self.markets)
        if end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start < EARLIEST:
            self.add_error("start", _("Pick a date from 2000 on."))
        elif start > today:
            self.add_error("start", _("The start date is in the future."))
        elif (end - start).days + 1 > LONGEST:
            self.add_error("end", _("Pick at most %(days)d days.") % {"days": LONGEST})
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """(first day, last day) asked for; the last 30 days when the form is not valid or empty."""
        today = markets_today(self.markets)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start"):
            return data["start"], min(data["end"], today)
        days = data.get("days") or DEFAULT_DAYS
        return today - datetime.timedelta(days=days - 1), today

    def preset(self) -> int | None:
        """The number of days of the period picked from the list; None for dates of one's own."""
        if self.is_bound and self.is_valid():
            if self.cleaned_data.get("start"):
                return None
            return self.cleaned_data.get("days") or DEFAULT_DAYS
        return DEFAULT_DAYS
