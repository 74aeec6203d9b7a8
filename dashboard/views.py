"""The sales dashboard in the admin, and one CSV per chart, of the viewer's markets only."""

import csv
from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import oversees_every_market
from dashboard.forms import PeriodForm
from dashboard.models import RollupState
from dashboard.reports import sales_report
from dashboard.tables import TABLES, csv_rows, tables_of
from storefront.markets import Market

PERMISSION = "dashboard.view_dashboard"


def dashboard_view(view):
    """Staff signed in to the admin (else its sign-in page) holding the dashboard permission (else 403)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(checked)


def viewer_markets(request):
    """The markets whose figures the signed-in staff member may see: every market for a superuser
    and a merchandiser (who run the sales and codes of both), their own for a market manager."""
    if oversees_every_market(request.user):
        return [market.value for market in Market]
    return request.user.managed_market_codes


@require_GET
@dashboard_view
def dashboard(request):
    codes = viewer_markets(request)
    form = PeriodForm(request.GET or None, markets=codes)
    start, end = form.period()
    state = RollupState.objects.first()
    shown = form if form.errors else PeriodForm(initial={"start": start, "end": end}, markets=codes)
    context = {
        **admin.site.each_context(request),
        "title": _("Sales dashboard"),
        "form": shown,
        "start": start,
        "end": end,
        "preset": form.preset(),
        "period_invalid": bool(form.errors),
        "sections": [
            {"section": section, "tables": tables_of(section)}
            for section in sales_report(codes=codes, start=start, end=end, same_length=form.preset() is not None)
        ],
        "swept_at": state.swept_at if state else None,
    }
    return TemplateResponse(request, "dashboard/dashboard.html", context)


@require_GET
@dashboard_view
def dashboard_csv(request, scope, table):
    code = scope.upper()
    if code not in viewer_markets(request) or table not in TABLES:
        raise Http404
    form = PeriodForm(request.GET or None, markets=[code])
    if form.is_bound and not form.is_valid():
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    start, end = form.period()
    (section,) = sales_report(codes=[code], start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"marque-{scope}-{table}-{start.isoformat()}-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in csv_rows(section, table):
        writer.writerow(row)
    return response
