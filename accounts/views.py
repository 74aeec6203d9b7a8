"""Sign-in by SMS code, sign-out, and the account area: profile, addresses, payment methods, notifications."""

from functools import wraps
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from allauth.account.adapter import get_adapter
from allauth.account.utils import complete_signup, perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import codes, services, stripe_cards
from accounts.forms import AddressForm, CodeForm, PaymentMethodForm, PhoneForm, ProfileForm
from accounts.models import VerificationCode
from accounts.selectors import unread_notifications
from storefront.htmx import trigger, wants_partial
from storefront.input import whole_number
from storefront.languages import LANGUAGE_PARAM, remember_language
from storefront.market_urls import market_reverse, split_market_prefix
from storefront.markets import Language, PaymentType, get_market
from storefront.redirects import local_path
from storefront.sessions import needs_session_writes

# The sign-in in progress: which code row, for which number, and where to go afterwards.
SIGN_IN_SESSION_KEY = "accounts_sign_in"
NOTIFICATIONS_PER_PAGE = 20


def owned(related_name):
    """Find the object among request.user's own (`user.<related_name>`) first: 404 for anyone else's.

    Applied before the method check, so another user's object is a 404 for every method.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            obj = get_object_or_404(getattr(request.user, related_name).all(), pk=pk)
            return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator


def _next_after_sign_in(request, candidate):
    """Where signing in returns to: a path on this site other than the sign-in pages themselves."""
    path = local_path(request, candidate)
    return "" if path.startswith(reverse("accounts:sign_in")) else path


def _session_key(request):
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


# --- sign in and out ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@needs_session_writes
def sign_in(request):
    """Phone number in, SMS code out: the same answer whether or not the number has an account."""
    next_url = _next_after_sign_in(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or market_reverse("home", request.user.market_config))
    form = PhoneForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            verification = codes.issue_code(
                phone=form.cleaned_data["phone"],
                session_key=_session_key(request),
                ip_address=get_adapter(request).get_client_ip(request),
            )
        except codes.CodeLimitExceeded as exc:
            form.add_error(None, exc.message)
            response = TemplateResponse(request, "accounts/sign_in.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        request.session[SIGN_IN_SESSION_KEY] = {"id": verification.pk, "phone": verification.phone, "next": next_url}
        return redirect("accounts:enter_code")
    return TemplateResponse(request, "accounts/sign_in.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@needs_session_writes
def enter_code(request):
    """The code from the SMS signs the shopper in, or up when the number is new."""
    pending = request.session.get(SIGN_IN_SESSION_KEY)
    if request.user.is_authenticated or not pending:
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = codes.verify_code(
                verification_id=pending["id"], session_key=request.session.session_key, code=form.cleaned_data["code"]
            )
        except codes.CodeRejected as exc:
            message = str(exc.message)
            if exc.tries_left:
                left = ngettext("%(n)d try left.", "%(n)d tries left.", exc.tries_left)
                message = f"{message} {left % {'n': exc.tries_left}}"
            form.add_error("code", message)
        else:
            del request.session[SIGN_IN_SESSION_KEY]
            return _complete_sign_in(request, verification, pending["next"])
    verification = (
        VerificationCode.objects.filter(pk=pending["id"], session_key=request.session.session_key)
        .only("send_failed")
        .first()
    )
    context = {
        "form": form,
        "phone": pending["phone"],
        "send_failed": bool(verification and verification.send_failed),
        "next": pending["next"],
    }
    return TemplateResponse(request, "accounts/enter_code.html", context)


def _complete_sign_in(request, verification, next_url):
    user, created = services.find_or_create_shopper(verification=verification, language=request.LANGUAGE_CODE)
    # Always an explicit target, so allauth never falls back to a `next` we did not check.
    redirect_url = next_url or market_reverse("home", user.market_config)
    if created:
        return complete_signup(request, user, email_verification="none", success_url=redirect_url)
    return perform_login(request, user, email_verification="none", redirect_url=redirect_url)


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """GET asks to confirm; only a POST signs out."""
    home = market_reverse("home", request.market)
    if not request.user.is_authenticated:
        return redirect(home)
    if request.method == "POST":
        get_adapter(request).logout(request)
        messages.success(request, _("You have signed out."))
        return redirect(home)
    return TemplateResponse(request, "accounts/sign_out.html", {})


@require_GET
def sign_up(request):
    """Signing up is signing in with a new number."""
    return redirect("accounts:sign_in")


@require_GET
def inactive(request):
    return TemplateResponse(request, "accounts/inactive.html", {}, status=403)


# --- profile ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        market=user.market_config,
        initial={"full_name": user.full_name, "email": user.email, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            with translation.override(user.language):  # the message reads in the language just chosen
                messages.success(request, _("Profile saved."))
            return redirect("accounts:profile")
    return TemplateResponse(request, "accounts/profile.html", {"form": form, "section": "profile"})


# --- addresses ----------------------------------------------------------------------------------


@login_required
@require_GET
def address_list(request):
    addresses = request.user.addresses.all()
    return TemplateResponse(request, "accounts/address_list.html", {"addresses": addresses, "section": "addresses"})


def _address_form_page(request, form, address=None):
    context = {"form": form, "address": address, "section": "addresses"}
    return TemplateResponse(request, "accounts/address_form.html", context)


def _save_address(request, form, address=None):
    data = dict(form.cleaned_data)
    make_default = data.pop("make_default", False)
    services.save_address(user=request.user, data=data, address=address, make_default=make_default)
    messages.success(request, _("Address saved."))
    return redirect("accounts:address_list")


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request):
    form = AddressForm(request.POST or None, market=request.user.market_config)
    if request.method == "POST" and form.is_valid():
        return _save_address(request, form)
    return _address_form_page(request, form)


@login_required
@owned("addresses")
@require_http_methods(["GET", "POST"])
def address_update(request, address):
    initial = {field: getattr(address, field) for field in services.ADDRESS_FIELDS}
    initial["make_default"] = address.is_default
    form = AddressForm(request.POST or None, market=request.user.market_config, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _save_address(request, form, address)
    return _address_form_page(request, form, address)


@login_required
@owned("addresses")
@require_http_methods(["GET", "POST"])
def address_delete(request, address):
    if request.method == "POST":
        services.delete_address(address=address)
        messages.success(request, _("Address deleted."))
        return redirect("accounts:address_list")
    context = {"address": address, "section": "addresses"}
    return TemplateResponse(request, "accounts/address_confirm_delete.html", context)


@login_required
@owned("addresses")
@require_POST
def address_set_default(request, address):
    services.set_default_address(address=address)
    messages.success(request, _("Default address changed."))
    return redirect("accounts:address_list")


# --- payment methods ----------------------------------------------------------------------------


@login_required
@require_GET
def payment_method_list(request):
    methods = list(request.user.payment_methods.all())
    for method in methods:
        method.is_test_card = method.gateway_reference.startswith(services.TEST_CARD_PREFIX)
    context = {"methods": methods, "section": "payment_methods"}
    return TemplateResponse(request, "accounts/payment_method_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def payment_method_create(request):
    market = request.user.market_config
    payment_types = services.allowed_payment_types(market)
    cards_through_gateway = services.card_gateway_required(market)
    if cards_through_gateway:
        payment_types = tuple(t for t in payment_types if t != PaymentType.CARD)
    form = None
    if payment_types:
        form = PaymentMethodForm(request.POST or None, payment_types=payment_types, market=market)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_payment_method(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Payment method saved."))
                return redirect("accounts:payment_method_list")
    context = {
        "form": form,
        "cards_through_gateway": cards_through_gateway,
        "test_cards": PaymentType.CARD in payment_types and request.user.market_config.code == "US",
        "cards_offered": PaymentType.CARD in payment_types,
        "no_cards_here": PaymentType.CARD not in market.payment_types,
        "section": "payment_methods",
    }
    return TemplateResponse(request, "accounts/payment_method_form.html", context)


@login_required
@require_POST
def card_setup_start(request):
    """Send a US shopper to Stripe's page to save a card (only while Stripe is configured)."""
    if not services.card_gateway_required(request.user.market_config):
        messages.error(request, _("Cards cannot be saved online in your market."))
        return redirect("accounts:payment_method_list")
    try:
        url = stripe_cards.start_card_setup(
            request.user,
            success_url=request.build_absolute_uri(reverse("accounts:card_setup_return")),
            cancel_url=request.build_absolute_uri(reverse("accounts:payment_method_list")),
        )
    except stripe_cards.CardSetupError as error:
        messages.error(request, error.message)
        return redirect("accounts:payment_method_list")
    return redirect(url)


@never_cache
@login_required
@require_GET
def card_setup_return(request):
    """Where Stripe sends the shopper back: the card is read from Stripe's API, not from the URL."""
    try:
        stripe_cards.finish_card_setup(request.user, request.GET.get("session_id", ""))
    except stripe_cards.CardSetupError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Card saved."))
    return redirect("accounts:payment_method_list")


@login_required
@owned("payment_methods")
@require_http_methods(["GET", "POST"])
def payment_method_delete(request, method):
    if request.method == "POST":
        services.remove_payment_method(method=method)
        if services.card_gateway_required(request.user.market_config):
            stripe_cards.forget_card(method)
        messages.success(request, _("Payment method removed."))
        return redirect("accounts:payment_method_list")
    context = {"method": method, "section": "payment_methods"}
    return TemplateResponse(request, "accounts/payment_method_confirm_delete.html", context)


@login_required
@owned("payment_methods")
@require_POST
def payment_method_set_default(request, method):
    services.set_default_payment_method(method=method)
    messages.success(request, _("Default payment method changed."))
    return redirect("accounts:payment_method_list")


# --- notifications ------------------------------------------------------------------------------


def _notification_page(request, page_number):
    paginator = Paginator(request.user.notifications.all(), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(page_number)
    unread = unread_notifications(request.user).count()
    context = {"page": page, "notifications": page.object_list, "unread_count": unread, "section": "notifications"}
    template = "accounts/notification_list.html"
    if wants_partial(request):
        template += "#notification-list"
    return TemplateResponse(request, template, context)


def _after_marking(request):
    if wants_partial(request):
        return trigger(_notification_page(request, request.POST.get("page")), "notifications-updated")
    page = request.POST.get("page")
    url = reverse("accounts:notification_list")
    page = whole_number(page)
    return redirect(f"{url}?page={page}" if page else url)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def notification_list(request):
    return _notification_page(request, request.GET.get("page"))


@login_required
@owned("notifications")
@require_POST
@vary_on_headers("HX-Request")
def notification_mark_read(request, notification):
    services.mark_notification_read(notification=notification)
    return _after_marking(request)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def notification_mark_all_read(request):
    services.mark_all_notifications_read(user=request.user)
    return _after_marking(request)


@require_GET
def unread_badge(request):
    """The header's unread badge, refreshed by htmx on `notifications-updated`."""
    return TemplateResponse(request, "accounts/unread_badge.html#unread-badge", {})


# --- the language switcher ----------------------------------------------------------------------


@require_POST
def switch_language(request):
    """The language switcher: the same page again, in the chosen language.

    Kept on a signed-in shopper's profile and in the cookie (which outlives signing out); the
    page's own `?lang=` is dropped so that it does not override the choice.
    """
    language = request.POST.get("language", "")
    next_path = local_path(request, request.POST.get("next", "")) or "/"
    # The page's market (a signed-in shopper's is always their own).
    page_market, _rest = split_market_prefix(next_path)
    market = get_market(page_market) if page_market and not request.user.is_authenticated else request.market
    if language not in market.languages:
        names = ", ".join(str(Language(code).label) for code in market.languages)
        messages.error(request, _("Choose one of the languages of this market: %(languages)s.") % {"languages": names})
        return redirect(next_path)
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=language)
    parts = urlsplit(next_path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != LANGUAGE_PARAM]
    response = redirect(urlunsplit(("", "", parts.path, urlencode(query), "")))
    remember_language(response, language)
    return response
