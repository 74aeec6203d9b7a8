"""Product listings: filters from the query string, facet counts, sorting and paging.

Every listing (category, subcategory, all products, best sellers, search) goes through
`build_listing`, so filters behave the same everywhere and each option shows how many products
it would leave.
"""

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, Case, Count, F, Max, Q, When
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.facets import ListingScope, precomputed_counts
from catalog.fragments import kept_until_changed
from catalog.models import SKU, Subcategory, on_sale_condition
from catalog.search import SEARCH_ORDER, AmongIds  # noqa: F401 - SEARCH_ORDER is the listings' too
from catalog.search_index import FACET_FIELDS, facet_values_of
from catalog.sizes import size_sort_key
from storefront.content import CONTENT_LANGUAGES, translated_column
from storefront.markets import MarketConfig
from storefront.money import format_for_market

PAGE_SIZE = 24
MAX_VALUES = 20

SORTS = {
    "best": (_("Best selling"), ["-sales_count", "-id"]),
    "new": (_("Newest"), ["-created_at", "-id"]),
    "price_asc": (_("Price: low to high"), ["market_price", "id"]),
    "price_desc": (_("Price: high to low"), ["-market_price", "-id"]),
    "rating": (_("Top rated"), ["-rating", "-reviews_count", "-id"]),
}
LIST_FILTERS = ("sub", "brand", "size", "color")
# Facets counted over the products' SKUs.
SKU_FACETS = ("size", "color")
# Best sellers list as the home page shelf does, unless the shopper picks a sort.
BEST_SELLER_ORDER = ["-is_best_seller", "-sales_count", "-id"]
# "All products" lists the newest first unless the shopper picks a sort.
ALL_PRODUCTS_SORT = "new"


class ListingFilterForm(forms.Form):
    """The single-valued filters; multi-valued ones are read by `parse_filters`."""

    min = forms.DecimalField(label=_("Minimum price"), required=False, min_value=0, max_digits=12, decimal_places=2)
    max = forms.DecimalField(label=_("Maximum price"), required=False, min_value=0, max_digits=12, decimal_places=2)
    in_stock = forms.BooleanField(label=_("In stock"), required=False)
    sale = forms.BooleanField(label=_("On sale"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def clean(self):
        data = super().clean()
        low, high = data.get("min"), data.get("max")
        if low is not None and high is not None and low > high:
            data["min"], data["max"] = high, low
        return data


@dataclass
class Filters:
    sub: list[str] = field(default_factory=list)
    brand: list[str] = field(default_factory=list)
    size: list[str] = field(default_factory=list)
    color: list[str] = field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    in_stock: bool = False
    sale: bool = False
    sort: str = "best"
    errors: list[str] = field(default_factory=list)

    @property
    def active_count(self):
        lists = sum(len(getattr(self, name)) for name in LIST_FILTERS)
        return lists + (self.min is not None) + (self.max is not None) + self.in_stock + self.sale


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_values(values):
    cleaned = []
    for value in values[:MAX_VALUES]:
        value = _CONTROL.sub("", value).strip()[:100]
        if value and value not in cleaned:
            cleaned.append(value)
    return cleaned


# Every query parameter a listing's filters read.
FILTER_PARAMETERS = frozenset({*ListingFilterForm.base_fields, *LIST_FILTERS})


def parse_filters(query, *, default_sort="best"):
    """Filters from a query dict; bad values are dropped with a message, never an error page."""
    if FILTER_PARAMETERS.isdisjoint(query):
        # A listing as linked (or a search): no form to build and validate, a tenth of a millisecond.
        return Filters(sort=default_sort)
    form = ListingFilterForm(query)
    form.is_valid()
    data = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
    errors = []
    if "min" in form.errors or "max" in form.errors:
        errors.append(_("The price range was not understood, so it is not applied."))
    return Filters(
        **{name: _clean_values(query.getlist(name)) for name in LIST_FILTERS},
        min=data.get("min"),
        max=data.get("max"),
        in_stock=bool(data.get("in_stock")),
        sale=bool(data.get("sale")),
        sort=data.get("sort") or default_sort,
        errors=errors,
    )


def _apply(queryset, filters, market, *, skip=()):
    if filters.sub and "sub" not in skip:
        queryset = queryset.filter(subcategory__slug__in=filters.sub)
    if filters.brand and "brand" not in skip:
        queryset = queryset.filter(brand__in=filters.brand)
    for name in ("size", "color"):
        values = getattr(filters, name)
        if values and name not in skip:
            skus = SKU.objects.filter(is_active=True, **{f"{name}__in": values})
            queryset = queryset.filter(pk__in=skus.values("product_id"))
    if "price" not in skip:
        if filters.min is not None:
            queryset = queryset.filter(market_price__gte=filters.min)
        if filters.max is not None:
            queryset = queryset.filter(market_price__lte=filters.max)
    if filters.in_stock and "flags" not in skip:
        queryset = queryset.filter(in_stock=True)
    if filters.sale and "flags" not in skip:
        queryset = queryset.filter(on_sale_condition(market))
    return queryset


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    # The filter's query parameter and the checkbox's id in the page.
    name: str = ""
    dom_id: str = ""

    @property
    def muted(self):
        """Offered greyed out and disabled: ticking it would leave nothing."""
        return not self.count and not self.selected


@dataclass
class Listing:
    filters: Filters
    page: object
    paginator: object
    facets: dict
    sort_options: list

    @property
    def products(self):
        return self.page.object_list


@dataclass
class Chip:
    """An active filter shown above the results, with the link that removes it."""

    label: str
    url: str


def without_empty_values(query: QueryDict) -> QueryDict | None:
    """`query` without its empty values, or None when it has none (a form sent without JavaScript
    sends every field; shared URLs stay short)."""
    if all(value.strip() for _key, values in query.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        kept.setlist(key, [value for value in values if value.strip()])
    return kept


def filter_chips(path: str, query: QueryDict, listing: Listing, market: MarketConfig) -> list[Chip]:
    """A chip for each active filter of `listing` (read from `query`), each linking to the same
    listing (`path`) without it, back on its first page."""
    filters = listing.filters
    labels = {(o.name, o.value): o.label for name in LIST_FILTERS for o in listing.facets.get(name, ())}

    def without(name, value=None):
        rest = query.copy()
        rest.pop("page", None)
        if value is None:
            rest.pop(name, None)
        else:
            rest.setlist(name, [v for v in rest.getlist(name) if v != value])
        encoded = rest.urlencode()
        return f"{path}?{encoded}" if encoded else path

    chips = []
    for name in LIST_FILTERS:
        for value in getattr(filters, name):
            label = labels.get((name, value), value)
            if name == "size":
                label = _("Size %(size)s") % {"size": label}
            chips.append(Chip(label=str(label), url=without(name, value)))
    if filters.min is not None:
        label = _("From %(price)s") % {"price": format_for_market(filters.min, market)}
        chips.append(Chip(label=label, url=without("min")))
    if filters.max is not None:
        label = _("Up to %(price)s") % {"price": format_for_market(filters.max, market)}
        chips.append(Chip(label=label, url=without("max")))
    if filters.in_stock:
        chips.append(Chip(label=str(_("In stock")), url=without("in_stock")))
    if filters.sale:
        chips.append(Chip(label=str(_("On sale")), url=without("sale")))
    return chips


def _options(rows, selected, *, name, sort_key=None):
    options = [
        Option(value=row["value"], label=row.get("label") or row["value"], count=row["n"], selected=False)
        for row in rows
        if row["value"]
    ]
    counted = {option.value for option in options}
    # A chosen option stays visible (with 0) so it can be unticked.
    options += [Option(value=v, label=v, count=0, selected=True) for v in selected if v not in counted]
    for option in options:
        option.selected = option.value in selected
        option.name, option.dom_id = name, f"filter-{name}-{_slug(option.value)}"
    return sorted(options, key=sort_key or (lambda o: o.label.lower()))


# A listing names a few dozen options, from a catalog's few hundred values: each slugified once.
_slug = functools.lru_cache(maxsize=4096)(slugify)


def _listed(totals, labels):
    return [{"value": value, "label": labels.get(value, value), "n": n} for value, n in totals.items()]


def search_facet_values(market):
    """`facet_values`, with the subcategory by its id (`live_counts` names it from `_subcategories`,
    so the search joins no table), and the stored sizes and colors of a product's active SKUs: the
    groups a search names its results with carry every count of its listing (`live_counts`)."""
    values = facet_values(market)
    del values["sub"], values["sub_name"]
    return {**values, "sub": F("subcategory_id"), **{name: F(column) for column, name in FACET_FIELDS.items()}}


def _subcategories():
    """{id: (slug, name in the page's language)} of every subcategory, kept until a merchandiser's
    next change."""
    return kept_until_changed("subcategories", None, _read_subcategories, read_only=True)


def _read_subcategories():
    rows = Subcategory.objects.values_list("pk", "slug", translated_column("name"))
    return {pk: (slug, name) for pk, slug, name in rows}


def facet_values(market):
    """The values of a product that the results count and the brand, subcategory and flag facets
    tally, by name: a search names its results with them (`catalog.search.ranked_search`)."""
    return {
        "brand": F("brand"),
        "in_stock": F("in_stock"),
        "on_sale": Case(When(on_sale_condition(market), then=True), default=False, output_field=BooleanField()),
        "sub": F("subcategory__slug"),
        "sub_name": translated_column("subcategory__name"),
    }


def _field_counts(base, filters, market, *, stored_sku_facets=False):
    """The results count and the brand, subcategory and flag facets, from one grouped query.

    The query applies every filter but these four and groups by their fields (`facet_values`);
    `_tally` then applies the other three to each facet. With `stored_sku_facets` (a search's
    results, neither a size nor a color chosen, on PostgreSQL) it groups by the products' stored
    sizes and colors too, and the size and color facets are tallied from the rows every filter
    leaves: no SKU is read.
    """
    values = {f"facet_{name}": expression for name, expression in facet_values(market).items()}
    if stored_sku_facets:
        values.update({f"facet_{name}": F(column) for column, name in FACET_FIELDS.items()})
    rows = (
        _apply(base, filters, market, skip=("sub", "brand", "flags"))
        .annotate(**values)
        .values_list(*values)
        .annotate(n=Count("id"))
        .order_by()
    )
    if not stored_sku_facets:
        return _tally(rows, filters)
    left = []
    counts = _tally(rows, filters, left=left)
    products = Q(product__in=_apply(base, filters, market).values("pk"))
    counts.update(_stored_sku_counts(left, market, products))
    return counts


def _tally(rows, filters, *, left=None):
    """The counts of `_field_counts` from rows of `facet_values` and how many products have them.

    An option must count what ticking it would leave: each count keeps the rows every filter but
    its own would leave, all in one pass. A row may carry more values before its count: `left`,
    when given, gets them (and the count) of each row every filter leaves.
    """
    subs, brands = set(filters.sub), set(filters.brand)
    total = in_stock = sale = 0
    brand_totals, sub_totals, sub_labels = {}, {}, {}
    for brand, is_in_stock, on_sale, sub, sub_name, *more, n in rows:
        sub_ok = not subs or sub in subs
        brand_ok = not brands or brand in brands
        stock_ok = not filters.in_stock or is_in_stock
        sale_ok = not filters.sale or on_sale
        if sub_ok and brand_ok and stock_ok and sale_ok:
            total += n
            if left is not None:
                left.append((more, n))
        if sub_ok and stock_ok and sale_ok:
            brand_totals[brand] = brand_totals.get(brand, 0) + n
        if brand_ok and stock_ok and sale_ok and sub is not None:
            sub_totals[sub] = sub_totals.get(sub, 0) + n
            sub_labels[sub] = sub_name
        if sub_ok and brand_ok and sale_ok and is_in_stock:
            in_stock += n
        if sub_ok and brand_ok and stock_ok and on_sale:
            sale += n
    return {
        "total": total,
        "brand": _listed(brand_totals, {}),
        "sub": _listed(sub_totals, sub_labels),
        "flags": {"in_stock": in_stock, "sale": sale},
    }


def on_sale_count(base, filters, market: MarketConfig) -> int:
    """How many products ticking "On sale" would leave under `filters` (one query)."""
    return _apply(base, filters, market, skip=("flags",)).filter(on_sale_condition(market)).count()


def live_counts(base, filters, market: MarketConfig, *, named=None):
    """Every count a listing shows, counted over `base` (products of `market`) under `filters`: the
    total, the options of each facet as [{"value", "label", "n"}], and the in-stock and on-sale flags.

    `named`: `base`'s products named (`catalog.search.Named`, grouped by their
    `search_facet_values(market)`) when the caller has them (a search's results, found on
    PostgreSQL): without filters every facet is tallied from them, sizes and colors included,
    without reading the products or their SKUs again (nor building `base`, which may be lazy).
    Named only in part (not `complete`), they are counted here like any search's results."""
    if named is not None and named.complete and not filters.active_count:
        # Results sharing every value but their SKUs' (brand, stock, sale, subcategory id) tallied
        # as one row; each group ends with its SKUs' values (`search_facet_values`).
        alike = _added_up((values[: -len(SKU_FACETS)], n) for values, n in named.groups.items())
        subs = _subcategories()
        rows = ((*values[:-1], *subs.get(values[-1], (None, None)), n) for values, n in alike.items())
        counts = _tally(rows, filters)
        counts.update(_stored_sku_counts(named.groups.items(), market, AmongIds(named.ids, "product_id")))
        return counts
    # A search's results are grouped by their stored sizes and colors too (no SKU is read); a whole
    # listing is not: PostgreSQL, expecting a group a product, would sort all of them on disk.
    stored = (
        not (filters.size or filters.color)
        and connections[base.db].vendor == "postgresql"
        and "search_rank" in base.query.annotations
    )
    counts = _field_counts(base, filters, market, stored_sku_facets=stored)
    if stored:
        return counts
    if filters.size or filters.color or connections[base.db].vendor != "postgresql":
        for name in SKU_FACETS:
            products = _apply(base, filters, market, skip=(name,)).values("pk")
            counts[name] = list(
                SKU.objects.filter(is_active=True, product__in=products)
                .values(value=F(name))
                .annotate(n=Count("product_id", distinct=True), label=Max(translated_column(name)))
                .order_by()
            )
    else:
        counts.update(_sku_counts_together(Q(product__in=_apply(base, filters, market).values("pk"))))
    return counts


def _stored_sku_counts(groups, market, products):
    """The size and color facets from `groups`, (values, how many products have them) pairs whose
    values end with the products' stored sizes and colors (`FACET_FIELDS`), so no SKU is read. Each
    option's label in the page's language is the one the market's listings show (`_sku_labels`;
    `products`, a condition on SKUs, names the products whose SKUs label a value those lack)."""
    groups = list(groups)
    tallies = {
        name: _stored_tally((values[column], n) for values, n in groups)
        for column, name in enumerate(SKU_FACETS, start=-len(SKU_FACETS))
    }
    labels = _sku_labels(market, {name: set(tally) for name, tally in tallies.items()}, products)
    return {
        name: [{"value": value, "n": n, "label": labels[name].get(value, value)} for value, n in tally.items()]
        for name, tally in tallies.items()
    }


def _stored_tally(stored):
    """{value: how many products have it} from (a `FACET_FIELDS` column, how many products have
    it) pairs: alike columns (the same sizes, say) are added up first, and each distinct one split once."""
    return _added_up((value, n) for column, n in _added_up(stored).items() for value in facet_values_of((column,)))


def _added_up(pairs):
    """{key: the sum of its counts} of (key, count) pairs."""
    totals = Counter()
    for key, n in pairs:
        totals[key] += n
    return totals


def _sku_labels(market, values, products):
    """{facet: {value: label}} for the size and color `values` ({facet: values}) in the page's
    language: the labels the market's all-products listing shows (`catalog.facets`' kept rows, held
    until a merchandiser's next change), and for a value those rows do not hold yet (a new color
    before its recount), the label of the SKUs of the listing's `products` (a condition on SKUs),
    read for it alone."""
    if get_language() not in CONTENT_LANGUAGES:
        return {name: {} for name in values}  # the base language: a value is its own label
    shown = kept_until_changed("sku-labels", market.code, lambda: _listed_labels(market), read_only=True)
    labels = {
        name: {value: shown[name][value] for value in wanted if value in shown[name]} for name, wanted in values.items()
    }
    for name, wanted in values.items():
        missing = [value for value in wanted if value not in labels[name]]
        if missing:
            rows = (
                SKU.objects.filter(products, is_active=True)
                .filter(**{f"{name}__in": missing})
                .values_list(name)
                .annotate(label=Max(translated_column(name)))
                .order_by()
            )
            labels[name].update(rows)
    return labels


def _listed_labels(market):
    counts = precomputed_counts(ListingScope(), market, parse_filters(QueryDict()))
    return {name: {option["value"]: option["label"] for option in (counts or {}).get(name, ())} for name in SKU_FACETS}


def _sku_counts_together(products):
    """The size and color facets of the products `products` (a condition on SKUs) selects, from one
    pass over their SKUs (PostgreSQL's GROUPING SETS): with neither filter chosen both count over
    the same products, and reading their SKUs once saves a second walk through them."""
    skus = SKU.objects.filter(products, is_active=True).values(
        "product_id", *SKU_FACETS, **{f"{name}_label": translated_column(name) for name in SKU_FACETS}
    )
    counts = {name: [] for name in SKU_FACETS}
    try:
        sql, params = skus.order_by().query.sql_with_params()
    except EmptyResultSet:  # no products (a queryset.none())
        return counts
    with connections[skus.db].cursor() as cursor:
        cursor.execute(
            "SELECT GROUPING(size), size, color, COUNT(DISTINCT product_id), MAX(size_label), MAX(color_label) "  # noqa: S608
            f"FROM ({sql}) AS skus GROUP BY GROUPING SETS ((size), (color))",
            params,
        )
        for by_color, size, color, n, size_label, color_label in cursor.fetchall():
            if by_color:
                counts["color"].append({"value": color, "n": n, "label": color_label})
            else:
                counts["size"].append({"value": size, "n": n, "label": size_label})
    return counts


class LeadingIds(Sequence):
    """The ids of `total` products in a listing's order, of which the first are known (`leading`):
    a slice among them is taken from them, and one past them read from `products` (sorted in that
    order), one query a page."""

    def __init__(self, leading, total, products):
        self.leading, self.total, self.products = leading, total, products

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        if stop <= len(self.leading):
            return self.leading[start:stop]
        return list(self.products.values_list("pk", flat=True)[start:stop])


def build_listing(
    base,
    filters,
    market: MarketConfig,
    *,
    page_number,
    with_subcategories=True,
    order_by=None,
    per_page=PAGE_SIZE,
    counts=None,
    named=None,
    read_page=None,
):
    """Filter, count, sort and page `base` (a priced product queryset of `market`).

    `counts` are `live_counts(base, filters, market)` known already (`catalog.facets` keeps them
    for the unfiltered listings); without them they are counted here. `named` are `base`'s products
    named (`catalog.search.Named`: their ids in the order `order_by` asks for, and how many share
    each combination of `search_facet_values(market)`), when the caller has them (a search's
    results in relevance order, `catalog.search.ranked_search`): without filters, the
    facets are tallied from them and the page reads its own products by id instead of sorting every
    product of `base`: `read_page(ids)` ({id: product}), when given, reads them. When `named` holds
    only the first of its results (not `complete`), the facets are counted here, and a page past
    them is sorted out of `base`.
    """
    if counts is None:
        counts = live_counts(base, filters, market, named=named)
    ordering = order_by or SORTS.get(filters.sort, SORTS["best"])[1]
    if named is not None and order_by and not filters.active_count:
        ids = named.ids
        if not named.complete:
            ids = LeadingIds(ids, counts["total"], _apply(base, filters, market).order_by(*ordering))
        paginator = Paginator(ids, per_page)
        page = paginator.get_page(page_number)
        if read_page is None:
            rows = {product.pk: product for product in base.filter(pk__in=page.object_list).order_by()}
        else:
            rows = read_page(page.object_list)
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    else:
        paginator = Paginator(_apply(base, filters, market).order_by(*ordering), per_page)
        paginator.__dict__["count"] = counts["total"]  # already counted: saves a COUNT query
        page = paginator.get_page(page_number)

    facets = {"brand": _options(counts["brand"], filters.brand, name="brand"), "flags": counts["flags"]}
    if with_subcategories:
        facets["sub"] = _options(counts["sub"], filters.sub, name="sub")
    facets["size"] = _options(counts["size"], filters.size, name="size", sort_key=lambda o: size_sort_key(o.value))
    facets["color"] = _options(counts["color"], filters.color, name="color")
    sort_options = [(key, label) for key, (label, _ordering) in SORTS.items()]
    return Listing(filters=filters, page=page, paginator=paginator, facets=facets, sort_options=sort_options)
