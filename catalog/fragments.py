"""Pieces of pages rendered once and kept in the cache: product cards, the filter sidebar, a product's buy box.

Product cards (`templates/catalog/_product_card.html`): what each shows is worked out once per
product, and each card's HTML rendered once and kept.

A listing prints two dozen cards, each with its link, picture, name in the page's language and
price in the market's currency. `attach_cards` works these out in Python (the template would
reverse URLs, format money and look up translated names several times per card), and
`render_cards` renders each card's template once: the HTML is kept in the cache under a key made
of everything the card shows (its values, the page's market and language, and the card templates'
own source), so a changed product, price, rating, translation or template simply makes a new key,
and no card is ever shown stale.

Nothing kept is anyone's own. A card holds three things that are: the CSRF token and the return
path of its forms, which the kept HTML holds as stand-ins that each page replaces with its own, and
the wishlist heart, kept only in its empty state: a card whose product is on the shopper's
wishlist is rendered afresh for them, never kept.

The filter sidebar (`templates/catalog/_filters.html`) is the same for every shopper of a market
and language who sees the same options and counts, so it is kept too, under a key made of
everything it shows (the path, the search words, the filters chosen, every option with its count);
its counts are worked out before the key, so a changed count is a new key. A filtered listing or a
search keeps its own, which a shopper paging, sorting or coming back to it renders no more.

A product page's buy box (`templates/catalog/_buy_box.html`: gallery, price, size and color
pickers, stock line, buy bar, delivery and returns) is the same for everyone who picks the same
variant while its stock stands: it is kept under everything it shows (the product's name and
brand, the price with any sale, the pictures, every option with its state, the picked SKU with its
stock, the stars, the path, the market). Its HTMX partial (a variant picked) is the same piece.
The CSRF token and return path of its forms are stand-ins, filled in on each page. The wishlist
button and the stock alert are kept in it as everyone sees them (an empty heart, the sold-out
variants, which are in the key), unless the shopper's page holds something of their own for them
(the product on their wishlist, an alert they wait for): then they are rendered for that page and
filled in. The
page's head (`templates/catalog/_product_head.html`) is kept as rows are, until a merchandiser's
next change, under what changes without one (`render_product_head`).

All of these are rendered from only the values their key is made of, never from the whole page
context, so nothing else can slip into kept HTML.

Rows read for a page the same for everyone (a product page's product, pictures and features, and
its related products) are kept by `kept_until_changed` under the shared pages' version
(`storefront.page_cache.version`): every change a merchandiser makes to what those pages show
(a product, SKU, price, picture, feature, category, exchange rate, or a review's moderation)
moves it, so the next request reads them afresh; a write that sends no signal (a bulk update)
shows within `KEPT_ROWS_SECONDS`, as on the shared pages. What changes without a signal in the
ordinary course (stock taken by orders, a review's helpful votes) is never kept this way: a product
page reads its SKUs and its reviews on every request.

Each process also keeps its own copies of the card and sidebar HTML it has read or rendered (a
bounded LRU, `HTML_KEPT_IN_PROCESS`), asked before the cache: a piece's key holds everything it
shows, so a copy is never stale. Rows kept until a change are held in the process too
(`ROWS_KEPT_IN_PROCESS`), under the same versioned key and until the same moment as in the cache,
pickled: a page that changes the objects it read (a product page sets its SKUs' stock) gets
objects of its own on each read. Rows no page changes (the products of a listing's page, a
search's, the home page's shelves and a product's related cards, the category menu, counts and
labels) are held as they are and shared by every read in the process (`read_only`): unpickling a
page of products costs more than rendering its kept cards.

A cache that cannot be reached is logged and skipped.
"""

import hashlib
import logging
import pickle
import time

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from catalog.product_page import SHOPPERS_OWN
from storefront import page_cache
from storefront.content import translated
from storefront.layout import (
    CSRF_STAND_IN,
    NEXT_STAND_IN,
    BoundedLRU,
    StandInRequest,
    fill_in,
    templates_digest,
)
from storefront.market_urls import market_reverse
from storefront.markets import MarketConfig
from storefront.renditions import picture_of

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "catalog/_product_card.html"
FILTERS_TEMPLATE = "catalog/_filters.html"
BUY_BOX_TEMPLATE = "catalog/_buy_box.html"
PRODUCT_HEAD_TEMPLATE = "catalog/_product_head.html"
# A product page's head, by the block each part goes in.
HEAD_PARTS = ("title", "meta_description", "og", "alternates", "structured_data")
WISHLIST_BUTTON_TEMPLATE = "catalog/_wishlist_button.html"
STOCK_ALERT_TEMPLATE = "alerts/_stock_alert.html"
# A buy box's parts that may be the shopper's own (by the name the box shows them under), and their
# stand-ins in a kept box when they are.
OWN_PARTS = {"wishlist_button": WISHLIST_BUTTON_TEMPLATE, "stock_alert": STOCK_ALERT_TEMPLATE}
WISHLIST_STAND_IN = "\ue000wishlist-button\ue000"
STOCK_ALERT_STAND_IN = "\ue000stock-alert\ue000"
OWN_STAND_INS = {"wishlist_button": WISHLIST_STAND_IN, "stock_alert": STOCK_ALERT_STAND_IN}
# Templates whose source is part of every key: a deploy that changes them changes the keys.
KEYED_TEMPLATES = (CARD_TEMPLATE, WISHLIST_BUTTON_TEMPLATE, FILTERS_TEMPLATE, BUY_BOX_TEMPLATE, STOCK_ALERT_TEMPLATE)
# Pieces of HTML kept in each process besides the cache: a listing page's worth many times over.
HTML_KEPT_IN_PROCESS = 4000
# How long a piece stays kept; a changed one gets a new key long before.
KEPT_SECONDS = 24 * 60 * 60
# How long rows kept until a change (`kept_until_changed`) last at most: the bound, as for the shared
# pages (PAGE_CACHE_SECONDS), for a write that sends no signal and renews nothing.
KEPT_ROWS_SECONDS = 60
# Rows kept until a change held in each process too (pickled): a few hundred pages' worth.
ROWS_KEPT_IN_PROCESS = 512
_in_process = BoundedLRU(HTML_KEPT_IN_PROCESS)
_rows_in_process = BoundedLRU(ROWS_KEPT_IN_PROCESS)
# Products kept one by one (a search's page names its own), held in each process too: a catalog's
# most searched thousands.
PRODUCTS_KEPT_IN_PROCESS = 2048
_products_in_process = BoundedLRU(PRODUCTS_KEPT_IN_PROCESS)
# Digests of the cards rendered in each process (`_card_digest`): the kept products' and a few
# pages' more.
_card_digests = BoundedLRU(PRODUCTS_KEPT_IN_PROCESS * 2)


def attach_cards(products, market: MarketConfig):
    """Give each product (already carrying `price_info`) a `card`: a dict of what its card prints."""
    language = get_language()
    cart_add = market_reverse("checkout:cart_add", market)
    for product in products:
        price = product.price_info
        product.card = {
            "pk": product.pk,
            "url": market_reverse("catalog:product_detail", market, kwargs={"slug": product.slug}),
            "image_url": product.image.url if product.image else "",
            "picture": picture_of(product.image, product.renditions),
            "name": translated(product, "name", language),
            "brand": product.brand,
            "price": price.display,
            "was": price.original_display,
            "discount": price.discount_percent,
            "in_stock": product.in_stock,
            "cart_add_url": cart_add,
            "rating": str(product.rating),
            "reviews_count": product.reviews_count,
        }
    return products


def render_cards(context, products, *, eager=0):
    """The HTML of each product's card (products carrying `card`), the first `eager` loading their
    picture first; from the cache where kept, rendered and kept otherwise."""
    request = context["request"]
    token = conditional_escape(context.get("csrf_token") or "")
    path = conditional_escape(context.get("next_url") or request.get_full_path())
    saved = context.get("wishlist_ids") or ()
    template = get_template(CARD_TEMPLATE)
    base = {"request": request, "market": request.market}
    prefix = f"card:{templates_digest(KEYED_TEMPLATES)}:{request.market.code}"
    keys = {}
    for position, product in enumerate(products):
        if product.pk not in saved:
            keys[position] = f"{prefix}:{int(position < eager)}:{_card_digest(product.card)}"
    kept = _read_html(list(keys.values()))
    cards, fresh = [], {}
    for position, product in enumerate(products):
        key = keys.get(position)
        html = kept.get(key) if key else None
        if html is None:
            own = key is None  # on the shopper's wishlist: rendered for them alone
            html = template.render(
                {
                    **base,
                    "product": product,
                    "card": product.card,
                    "eager": position < eager,
                    "wishlist_ids": saved if own else (),
                    "csrf_token": token if own else CSRF_STAND_IN,
                    "next_url": path if own else NEXT_STAND_IN,
                }
            )
            if not own:
                fresh[key] = html
        cards.append(fill_in(html, {CSRF_STAND_IN: token, NEXT_STAND_IN: path}))
    _write_html(fresh)
    return cards


def _card_digest(card):
    """A digest of everything `card` shows, in the page's language: worked out once per card and
    language in the process (a product kept for many pages, `kept_each_until_changed`, is carded
    once and rendered on each). Held beside the card itself: while it is held, no other card can
    take its id."""
    key = (id(card), get_language())
    held = _card_digests.get(key)
    if held is None:
        held = (card, _digest(sorted(card.items())))
        _card_digests.put(key, held)
    return held[1]


def render_filter_sidebar(context):
    """The filter sidebar of the page's listing, kept under everything it shows."""
    request, listing, filters = context["request"], context["listing"], context["filters"]
    market, search_query = request.market, context.get("search_query") or ""
    values = {
        "request": request,
        "market": market,
        "listing": listing,
        "filters": filters,
        "search_query": search_query,
    }
    template = get_template(FILTERS_TEMPLATE)
    shown = (
        request.path,
        market.code,
        market.currency,
        search_query,
        repr(filters),
        [(value, str(label)) for value, label in listing.sort_options],
        sorted((name, repr(options)) for name, options in listing.facets.items()),
    )
    key = _key("filters", shown)
    html = _read_html([key]).get(key)
    if html is None:
        html = template.render(values)
        _write_html({key: html})
    return mark_safe(html)  # noqa: S308 - rendered with autoescaping


def render_buy_box(context):
    """A product page's buy box (gallery, price, pickers, stock line, buy bar and promise), kept under
    everything it shows; the CSRF token and the return path of its forms are filled in for each page.

    The wishlist button and the stock alert are the shopper's own when their page holds something
    of theirs for them (the product on their wishlist, or what an app added to the box, such as an
    alert they wait for: `catalog.product_page.buy_box_context`): then they are rendered for that
    page and filled in. Otherwise (every visitor, most shoppers) they are the same for everyone and
    kept in the box, keyed by what the alert shows: the variants and which are sold out."""
    request = context["request"]
    token = str(context.get("csrf_token") or "")
    product, choice, price = context["product"], context["choice"], context["price"]
    gallery, review_total = context["gallery"], context.get("review_total") or 0
    # The stars show only with reviews: without them the page (no rating) and its HTMX pick (the
    # product's stored 0) show the same box.
    rating = context.get("rating") if review_total else None
    values = {
        "request": StandInRequest(request),
        "product": product,
        "choice": choice,
        "price": price,
        "gallery": gallery,
        "review_total": review_total,
        "rating": rating,
    }
    template = get_template(BUY_BOX_TEMPLATE)
    anyones = product.pk not in (context.get("wishlist_ids") or ()) and not context.get(SHOPPERS_OWN)
    tokenless = token in ("", "NOTPROVIDED")
    if tokenless or not anyones:
        own = {name: _render_own(part, context) for name, part in OWN_PARTS.items()}
    if tokenless:
        return mark_safe(template.render({**values, "request": request, "csrf_token": token, **own}))  # noqa: S308
    sku = choice.sku
    shown = (
        request.path,
        request.market.code,
        (product.pk, product.brand, translated(product, "name")),
        repr(price),
        repr(gallery),
        (sku.pk, sku.sku_code, sku.stock) if sku else None,
        len(choice.skus),
        (choice.size, choice.size_label, choice.color, choice.color_label),
        [(repr(option), option.disabled) for option in (*choice.size_options, *choice.color_options)],
        (choice.stock_level, str(choice.availability), str(choice.action_label), choice.can_add, choice.pick_target),
        (review_total, repr(rating)),
        # Everyone's stock alert names the sold-out variants in the page's language.
        [(s.pk, s.sku_code, translated(s, "size"), translated(s, "color"), s.stock <= 0) for s in choice.skus]
        if anyones
        else None,
    )
    key = _key("buy-box", shown)
    html = _read_html([key]).get(key)
    if html is None:
        parts = OWN_STAND_INS
        if anyones:
            stand_ins = {**values, "csrf_token": CSRF_STAND_IN, "wishlist_ids": ()}
            parts = {name: mark_safe(get_template(part).render(stand_ins)) for name, part in OWN_PARTS.items()}  # noqa: S308
        html = template.render({**values, "csrf_token": CSRF_STAND_IN, **parts})
        _write_html({key: html})
    filled = {CSRF_STAND_IN: conditional_escape(token), NEXT_STAND_IN: conditional_escape(request.get_full_path())}
    if not anyones:
        filled |= {stand_in: own[name] for name, stand_in in OWN_STAND_INS.items()}
    return fill_in(html, filled)


def render_product_head(request, choice, review_total, rating, values):
    """{block: HTML} of a product page's head (`HEAD_PARTS`: title, description, Open Graph,
    `hreflang` links and JSON-LD), kept until a merchandiser's next change (`kept_until_changed`):
    everything it shows but the picked SKU's stock is theirs to change, and each change moves the
    shared pages' version. The rest is in the key: the template's source, the address (the variant
    picked, the language), the host and scheme its links are made of, the market, whether the SKU
    is in stock, and the reviews' count and average. `values()` gives what the template shows,
    built only when it is rendered."""
    sku = choice.sku
    shown = (
        templates_digest((PRODUCT_HEAD_TEMPLATE,)),
        request.get_full_path(),
        request.scheme,
        request.get_host(),
        request.market.code,
        (sku.pk if sku else None, choice.in_stock),
        (review_total, repr(rating)),
    )

    def render():
        context = {"request": request, **values()}
        return {name: get_template(f"{PRODUCT_HEAD_TEMPLATE}#{name}").render(context) for name in HEAD_PARTS}

    return kept_until_changed("product-head", shown, render, read_only=True)


def _render_own(name, context):
    """A shopper's own piece, rendered from the page's context as `{% include %}` would."""
    return mark_safe(get_template(name).template.render(context))  # noqa: S308 - rendered with autoescaping


def kept_until_changed(kind, shown, read, *, read_only=False):
    """What `read()` returns for `shown` (a repr-able description of it) in the page's language,
    kept until a merchandiser's next change to what shared pages show; None (nothing found) is not kept.

    Kept in the cache with the moment it lapses, and in the process as a pickled copy until that
    same moment: each read unpickles its own objects, as a read from the cache does, so a page that
    changes what it read changes nothing kept. `read_only`: the caller never changes what it gets
    (nor do the pages it goes to), so the process holds it as it is and every read shares it.
    """
    kept = kept_each_until_changed(
        kind, shown, [None], lambda _missing: {None: read()}, held=_rows_in_process, read_only=read_only
    )
    return kept.get(None)


def kept_each_until_changed(kind, shown, ids, read, *, held=None, read_only=False):
    """{id: what `read(ids)` (a dict) gives for it} for each of `ids`, each kept as `kept_until_changed`
    keeps rows, under `shown` and its id: what the process holds is unpickled (shared as it is when
    `read_only`), the rest asked of the cache in one round trip, and what the cache lacks read in
    one call; a None (nothing found) is left out and not kept. `held`: the process's LRU of them
    (product rows by default)."""
    held = _products_in_process if held is None else held
    try:
        version = page_cache.version()
    except Exception:
        logger.warning("The fragment cache is unreachable; reading afresh.", exc_info=True)
        return {pk: value for pk, value in read(list(ids)).items() if value is not None}
    now = time.time()
    each = _rows_key(kind, shown, version)
    keys = {pk: each if pk is None else f"{each}:{pk}" for pk in ids}
    found = {}
    for pk, key in keys.items():
        copy = held.get(key)
        if copy is not None and copy[0] > now:
            found[pk] = copy[1] if read_only else pickle.loads(copy[1])  # noqa: S301 - pickled by this process
    missing = [key for pk, key in keys.items() if pk not in found]
    from_cache = _read(missing) if missing else {}
    fresh = [pk for pk, key in keys.items() if pk not in found and not _current(from_cache.get(key), now)]
    kept = {keys[pk]: from_cache[keys[pk]] for pk in ids if pk not in found and pk not in fresh}
    if fresh:
        until = now + KEPT_ROWS_SECONDS
        read_now = {keys[pk]: (until, value) for pk, value in read(fresh).items() if value is not None}
        _write(read_now, KEPT_ROWS_SECONDS)
        kept |= read_now
    for pk, key in keys.items():
        if key in kept:
            until, value = kept[key]
            held.put(key, (until, value if read_only else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
            found[pk] = value
    return found


def _current(kept, now):
    return kept is not None and kept[0] > now


def _rows_key(kind, shown, version):
    return f"rows:{kind}:{version}:{_digest(shown)}"


def _key(kind, shown):
    """A key of everything a piece shows, in the page's language, for the templates deployed."""
    return f"{kind}:{templates_digest(KEYED_TEMPLATES)}:{_digest(shown)}"


def _digest(shown):
    return hashlib.blake2b(repr((get_language(), shown)).encode(), digest_size=16).hexdigest()


def _read_html(keys):
    """Kept HTML pieces: from the process's own LRU, else from the cache (and then kept in the process
    too; a piece's key holds everything it shows, so a process's copy is never stale)."""
    found = {key: html for key in keys if (html := _in_process.get(key)) is not None}
    missing = [key for key in keys if key not in found]
    for key, html in _read(missing).items():
        _in_process.put(key, html)
        found[key] = html
    return found


def forget_html():
    """Drop this process's copies of kept HTML pieces and rows (the cache keeps its own)."""
    _in_process.clear()
    _rows_in_process.clear()
    _products_in_process.clear()
    _card_digests.clear()


def _write_html(pieces):
    for key, html in pieces.items():
        _in_process.put(key, html)
    _write(pieces)


def _read(keys):
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("The fragment cache is unreachable; rendering afresh.", exc_info=True)
        return {}


def _write(pieces, seconds=KEPT_SECONDS):
    if not pieces:
        return
    try:
        cache.set_many(pieces, seconds)
    except Exception:
        logger.warning("The fragment cache is unreachable; nothing was kept.", exc_info=True)
