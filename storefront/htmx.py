"""HTMX conventions shared by every view (see STYLE.md)."""


def wants_partial(request):
    """An HTMX request that is not a history restore: answer with the page's partial only."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def trigger(response, *events):
    """Add client events to `HX-Trigger` so other regions refresh themselves."""
    existing = [e for e in response.headers.get("HX-Trigger", "").split(",") if e]
    response.headers["HX-Trigger"] = ",".join(dict.fromkeys([*existing, *events]))
    return response
