"""The framework's ceiling the benchmark measures pages against, from data held in memory.

`loop` renders `?cards=N` product cards through a template loop, the work a fresh listing page
cannot do without (variables, escaping, a few conditions) and none of what it could avoid (no
query, no context processor): a fresh page of the same HTML size is compared with it. `fixed`
serves the same HTML as a template with nothing left to fill in: what a page from the shared
cache is compared with. Routed only when `BENCH_VIEWS` is on (storefront/urls.py).
"""

from functools import lru_cache

from django.http import HttpResponse, HttpResponseBadRequest
from django.template import engines
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

LOOP_TEMPLATE = "bench/loop.html"
MAX_CARDS = 2000
BRANDS = ("Northline", "Ala-Too Atelier", "Harbor & Pine", "Studio Issyk")


def _card(n):
    on_sale = n % 5 == 2
    return {
        "pk": n,
        "url": f"/kg/p/bench-{n}-linen-shirt/",
        "cart_url": "/kg/cart/add/",
        "image": f"/media/bench/look-{n % 12}.jpg" if n % 10 < 7 else "",
        "brand": BRANDS[n % len(BRANDS)],
        "name": f"Relaxed Linen Shirt No. {n}",
        "price": f"{2490 + n % 40 * 100:,} som".replace(",", "\u00a0"),
        "original": "3\u00a0190 som" if on_sale else "",
        "discount": 20,
        "in_stock": n % 13 != 0,
        "action": "Quick add",
    }


CARDS = [_card(n) for n in range(MAX_CARDS)]


def _cards(request):
    try:
        count = int(request.GET.get("cards", "24"))
    except ValueError:
        return None
    return count if 0 <= count <= MAX_CARDS else None


def loop_html(count):
    """The loop page of `count` cards."""
    context = {"language": "en", "title": "MARQUE", "stylesheet": "/static/css/dist/styles.css", "cards": CARDS[:count]}
    return render_to_string(LOOP_TEMPLATE, context)


@lru_cache(maxsize=128)
def _fixed_template(count):
    # The loop page's HTML as a template of its own: nothing is left to fill in.
    return engines["django"].from_string(loop_html(count))


@require_GET
def loop(request):
    count = _cards(request)
    if count is None:
        return HttpResponseBadRequest(f"cards must be a whole number from 0 to {MAX_CARDS}.")
    return HttpResponse(loop_html(count))


@require_GET
def fixed(request):
    count = _cards(request)
    if count is None:
        return HttpResponseBadRequest(f"cards must be a whole number from 0 to {MAX_CARDS}.")
    return HttpResponse(_fixed_template(count).render())
