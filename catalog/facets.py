"""Facet counts of the unfiltered listings, counted ahead: all products, best sellers, each category
and each subcategory, per market.

A listing's facets (how many products each subcategory, brand, size and color option would leave,
the in-stock and on-sale counts, and the number of products) are the same for every shopper of a
market until the catalog changes, so they are kept in `ListingFacet` rows rather than counted over
every SKU on each request. `precomputed_counts` reads them for a listing the shopper has not
filtered (sorting and paging change no count), or filtered by subcategory only (`?sub=` on a
category or on all products); any other filter leaves a smaller set, counted live by
`catalog.listing`.

How the rows add up: every product belongs to one category and at most one subcategory, so a
category's counts are those of its products alone, and all products' counts are the sum of the
categories' counts (each product is counted in exactly one). That lets a change recount only the
categories it touched, then sum the categories again into the all-products and best-sellers rows.

Freshness: a product, SKU, fixed product price or subcategory saved or deleted through the ORM
(the admin, services) marks the categories it touches; once the transaction commits, they are
recounted (one task per transaction, `catalog.tasks.refresh_listing_facets`), so the next page shows
the change. Writes that send no signal (bulk imports, `QuerySet.update`, raw SQL) show after the next
`manage.py refresh_listing_facets`, which recounts everything; run it after such writes and on a
schedule. A listing with no rows yet is counted live. An unfiltered listing's counts are kept in
the cache too, under a version each recount renews when it commits.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Max, Q, When
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import get_language

from catalog.models import (
    SKU,
    Category,
    ListingFacet,
    MarketPrice,
    Product,
    Subcategory,
    best_seller_condition,
    on_sale_condition,
)
from storefront import cache_versions
from storefront.background import enqueue_after_commit
from storefront.content import CONTENT_LANGUAGES, translated
from storefront.markets import MARKETS, MarketConfig

Kind = ListingFacet.Kind
COUNTS_VERSION_KEY = "listing-facets:version"
COUNTS_SECONDS = 60 * 60
# Kinds whose options have a name of their own in each language (a subcategory's, a size's, a color's).
LABELLED_KINDS = frozenset({Kind.SUB, Kind.SIZE, Kind.COLOR})
LABEL_FIELDS = ("label", *(f"label_{language}" for language in CONTENT_LANGUAGES))
# Serializes recounts on PostgreSQL, so two of them never write the same rows at once.
ADVISORY_LOCK = 0x4D51_4641  # "MQFA"


@dataclass(frozen=True)
class ListingScope:
    """The products a listing shows before the shopper's filters: all of a market's, its best
    sellers, a category's or a subcategory's."""

    category_id: int | None = None
    subcategory_id: int | None = None
    best_sellers: bool = False

    def narrow(self, products):
        """`products` (a market's product queryset) cut down to this scope."""
        if self.best_sellers:
            products = products.best_sellers()
        if self.category_id is not None:
            products = products.filter(category_id=self.category_id)
        if self.subcategory_id is not None:
            products = products.filter(subcategory_id=self.subcategory_id)
        return products


# --- reading ---------------------------------------------------------------------------------------


def precomputed_counts(scope: ListingScope, market: MarketConfig, filters):
    """The counts `catalog.listing.build_listing` shows for `scope` under `filters`, from the rows;
    None when the filters need a live count or the rows are not there (yet).

    An unfiltered listing's counts are also kept in the cache, under a version every recount
    renews, so most pages read them without a query.
    """
    if filters.active_count != len(filters.sub):
        return None  # a brand, size, color, price or flag filter
    if filters.sub:
        return _read_counts(scope, market, filters)
    key = _counts_key(scope, market)
    kept = cache_versions.call_quietly(cache.get, key) if key else None
    if kept is not None:
        return kept[0]
    counts = _read_counts(scope, market, filters)
    if key:
        cache_versions.call_quietly(cache.set, key, (counts,), COUNTS_SECONDS)
    return counts


def _read_counts(scope, market, filters):
    rows = ListingFacet.objects.in_markets([market.code]).filter(best_sellers=scope.best_sellers)
    if scope.subcategory_id is not None:
        if filters.sub:
            return None
        return _counts(list(rows.filter(subcategory_id=scope.subcategory_id).values(*_READ)))
    if filters.sub and scope.best_sellers:
        return None
    whole = Q(category_id=scope.category_id, subcategory__isnull=True)
    if not filters.sub:
        return _counts(list(rows.filter(whole).values(*_READ)))
    # Only some subcategories: the subcategory facet is the listing's own, everything else the
    # sum of the chosen subcategories' rows.
    cells = Q(subcategory__slug__in=filters.sub)
    cells &= Q(category__isnull=False) if scope.category_id is None else Q(category_id=scope.category_id)
    found = list(rows.filter(whole | cells).values(*_READ))
    own = [row for row in found if row["subcategory_id"] is None]
    chosen = [row for row in found if row["subcategory_id"] is not None]
    counts = _counts(own)
    if counts is None:
        return None
    summed = _counts(chosen, require_total=False)
    return {**summed, "sub": counts["sub"]}


_READ = ("subcategory_id", "kind", "value", "count", *LABEL_FIELDS)


def _counts_key(scope, market):
    version = cache_versions.current(COUNTS_VERSION_KEY)
    if version is None:
        return None  # no cache to keep counts in
    place = f"{scope.category_id or ''}:{scope.subcategory_id or ''}:{int(scope.best_sellers)}"
    return f"listing-facets:{version}:{market.code}:{get_language()}:{place}"


def _renew_counts_version():
    cache_versions.renew(COUNTS_VERSION_KEY)


def _counts(rows, *, require_total=True):
    """Rows summed into the shape `build_listing` takes; None without a TOTAL row."""
    if require_total and not any(row["kind"] == Kind.TOTAL for row in rows):
        return None
    options = {Kind.SUB: {}, Kind.BRAND: {}, Kind.SIZE: {}, Kind.COLOR: {}}
    labels = {}
    totals = {Kind.TOTAL: 0, Kind.IN_STOCK: 0, Kind.SALE: 0}
    for row in rows:
        kind = row["kind"]
        if kind in totals:
            totals[kind] += row["count"]
            continue
        values = options[kind]
        values[row["value"]] = values.get(row["value"], 0) + row["count"]
        if kind in LABELLED_KINDS:
            labels[row["value"]] = translated(row, "label") or row["value"]

    def listed(kind):
        return [{"value": value, "label": labels.get(value, value), "n": n} for value, n in options[kind].items()]

    return {
        "total": totals[Kind.TOTAL],
        "sub": listed(Kind.SUB),
        "brand": listed(Kind.BRAND),
        "size": listed(Kind.SIZE),
        "color": listed(Kind.COLOR),
        "flags": {"in_stock": totals[Kind.IN_STOCK], "sale": totals[Kind.SALE]},
    }


# --- counting ---------------------------------------------------------------------------------------


def refresh_listing_facets(*, category_ids=None):
    """Recount the rows of `category_ids` (every category when None), then sum the categories into
    the all-products and best-sellers rows; returns the number of rows written or removed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        ids = None if category_ids is None else sorted(set(category_ids))
        changed = 0
        for market in MARKETS.values():
            wanted = _count_categories(market, ids)
            existing = ListingFacet.objects.in_markets([market.code]).filter(category__isnull=False)
            if ids is not None:
                existing = existing.filter(category_id__in=ids)
            changed += _write(market, wanted, existing)
            if ids is None or _has_totals(market):
                changed += _write(market, _sum_categories(market), _all_rows(market))
        # Renewed now for this transaction's own reads, and again once the rows are visible to all.
        _renew_counts_version()
        transaction.on_commit(_renew_counts_version)
        return changed


def _has_totals(market):
    """Whether all products' rows exist: a full recount ran, so every category has rows to sum."""
    return _all_rows(market).filter(kind=Kind.TOTAL, best_sellers=False).exists()


def _all_rows(market):
    return ListingFacet.objects.in_markets([market.code]).filter(category__isnull=True, subcategory__isnull=True)


def _count_categories(market, category_ids):
    """{(category_id, subcategory_id, best_sellers, kind, value): [count, labels]} of `category_ids`.

    Each category gets its rows and its best sellers' rows (the latter only to sum all best
    sellers from); each subcategory in it gets the rows of the category's products in it.
    """
    products = Product.objects.active().for_market(market)
    categories = Category.objects.all()
    if category_ids is not None:
        products = products.filter(category_id__in=category_ids)
        categories = categories.filter(pk__in=category_ids)
    rows = defaultdict(lambda: [0, None])
    # A category with none of the market's products still gets its TOTAL (zero): it has been counted.
    for category_id in categories.values_list("pk", flat=True):
        for best in (False, True):
            rows[(category_id, None, best, Kind.TOTAL, "")][0] += 0

    def add(category_id, subcategory_id, best, kind, value, n, labels=None):
        if kind not in (Kind.TOTAL, Kind.IN_STOCK, Kind.SALE) and not value:
            return
        scopes = [(category_id, None, False)]
        if best:
            scopes.append((category_id, None, True))
        if subcategory_id is not None:
            scopes.append((category_id, subcategory_id, False))
        for scope in scopes:
            if kind == Kind.SUB and scope[1] is not None:
                continue  # a subcategory's own rows need no subcategory facet
            row = rows[(*scope, kind, value)]
            row[0] += n
            row[1] = labels

    subcategories = {row["pk"]: row for row in Subcategory.objects.values("pk", "slug", *_label_columns("name"))}
    grouped = (
        products.annotate(
            # Sales start and end on their own schedule: the rows count fixed reductions only, and
            # a listing adds the running sales' products live (`catalog.selectors`).
            on_sale=Case(
                When(on_sale_condition(market, with_running_sales=False), then=True),
                default=False,
                output_field=BooleanField(),
            ),
            best=Case(When(best_seller_condition(), then=True), default=False, output_field=BooleanField()),
        )
        .values("category_id", "subcategory_id", "best", "brand", "in_stock", "on_sale")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in grouped:
        where = (row["category_id"], row["subcategory_id"], row["best"])
        add(*where, Kind.TOTAL, "", row["n"])
        add(*where, Kind.BRAND, row["brand"], row["n"])
        if row["in_stock"]:
            add(*where, Kind.IN_STOCK, "", row["n"])
        if row["on_sale"]:
            add(*where, Kind.SALE, "", row["n"])
        sub = subcategories.get(row["subcategory_id"])
        if sub is not None:
            add(*where, Kind.SUB, sub["slug"], row["n"], tuple(sub[f] for f in _label_columns("name")))

    skus = SKU.objects.filter(is_active=True, product__in=products.values("pk")).annotate(
        best=Case(When(best_seller_condition("product__"), then=True), default=False, output_field=BooleanField())
    )
    for kind in (Kind.SIZE, Kind.COLOR):
        grouped = (
            skus.values(
                "best",
                category_id=F("product__category_id"),
                subcategory_id=F("product__subcategory_id"),
                value=F(kind.value),
            )
            .annotate(
                n=Count("product_id", distinct=True),
                **{f"label_{language}": Max(f"{kind.value}_{language}") for language in CONTENT_LANGUAGES},
            )
            .order_by()
        )
        for row in grouped:
            labels = (row["value"], *(row[f"label_{language}"] or "" for language in CONTENT_LANGUAGES))
            add(row["category_id"], row["subcategory_id"], row["best"], kind, row["value"], row["n"], labels)
    return rows


def _label_columns(field):
    return (field, *(f"{field}_{language}" for language in CONTENT_LANGUAGES))


def _sum_categories(market):
    """All products' and best sellers' rows: the categories' rows added up."""
    rows = defaultdict(lambda: [0, None])
    for best in (False, True):
        rows[(None, None, best, Kind.TOTAL, "")][0] += 0
    categories = ListingFacet.objects.in_markets([market.code]).filter(category__isnull=False, subcategory__isnull=True)
    for row in categories.values("best_sellers", "kind", "value", "count", *LABEL_FIELDS).order_by("category_id"):
        summed = rows[(None, None, row["best_sellers"], row["kind"], row["value"])]
        summed[0] += row["count"]
        if row["kind"] in LABELLED_KINDS and summed[1] is None:
            summed[1] = tuple(row[field] for field in LABEL_FIELDS)
    return rows


def _write(market, wanted, existing):
    """Make `existing` (a queryset of rows) hold exactly `wanted`: delete, update and add only what differs."""
    keep, stale, changed = set(), [], []
    for row in existing:
        key = (row.category_id, row.subcategory_id, row.best_sellers, row.kind, row.value)
        count, labels = wanted.get(key, (None, None))
        if count is None or key in keep:
            stale.append(row.pk)
            continue
        keep.add(key)
        labels = labels or ("",) * len(LABEL_FIELDS)
        if row.count != count or tuple(getattr(row, field) for field in LABEL_FIELDS) != labels:
            row.count = count
            for field, label in zip(LABEL_FIELDS, labels, strict=True):
                setattr(row, field, label)
            changed.append(row)
    if stale:
        ListingFacet.objects.filter(pk__in=stale).delete()
    if changed:
        ListingFacet.objects.bulk_update(changed, ["count", *LABEL_FIELDS])
    new = [
        ListingFacet(
            market=market.code,
            category_id=category_id,
            subcategory_id=subcategory_id,
            best_sellers=best,
            kind=kind,
            value=value,
            count=count,
            **dict(zip(LABEL_FIELDS, labels or ("",) * len(LABEL_FIELDS), strict=True)),
        )
        for (category_id, subcategory_id, best, kind, value), (count, labels) in wanted.items()
        if (category_id, subcategory_id, best, kind, value) not in keep
    ]
    ListingFacet.objects.bulk_create(new, batch_size=1000)
    return len(stale) + len(changed) + len(new)


# --- freshness --------------------------------------------------------------------------------------


class _Marks:
    """What the changes of one transaction touched: the categories, products and subcategories."""

    def __init__(self):
        self.categories, self.products, self.subcategories = set(), set(), set()

    def take(self):
        """The categories marked so far (the rows' own, their products' and subcategories'); none are left."""
        categories, products, subcategories = self.categories, self.products, self.subcategories
        self.categories, self.products, self.subcategories = set(), set(), set()
        categories = set(categories)
        if products:
            categories.update(Product.objects.filter(pk__in=products).values_list("category_id", flat=True))
        if subcategories:
            categories.update(
                Product.objects.filter(subcategory_id__in=subcategories)
                .values_list("category_id", flat=True)
                .distinct()
            )
            categories.update(Subcategory.objects.filter(pk__in=subcategories).values_list("category_id", flat=True))
        return sorted(categories)


class _Recount:
    """Recounts what its transaction's marks touched, after the commit; the first to run takes every mark."""

    def __init__(self, marks):
        self.marks = marks

    def __call__(self):
        ids = self.marks.take()
        if ids:
            enqueue_after_commit(
                "catalog.tasks.refresh_listing_facets", ids, on_failure=lambda: refresh_listing_facets(category_ids=ids)
            )


def mark_changed(*, categories=(), products=(), subcategories=()):
    """Recount the categories these rows belong to once the current transaction commits.

    The changes of a transaction share one set of marks, taken by the first recount to run after
    the commit, so a product saved with its SKUs and prices is recounted once; a rolled-back
    transaction takes its recounts with it.
    """
    connection = transaction.get_connection()
    marks = None
    if connection.in_atomic_block:
        waiting = [func for _ids, func, _robust in connection.run_on_commit if isinstance(func, _Recount)]
        marks = waiting[-1].marks if waiting else None
    marks = marks or _Marks()
    marks.categories.update(pk for pk in categories if pk is not None)
    marks.products.update(pk for pk in products if pk is not None)
    marks.subcategories.update(pk for pk in subcategories if pk is not None)
    transaction.on_commit(_Recount(marks))


def _product_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "category" not in update_fields):
        return
    # A product moved to another category leaves its old one, which is recounted too.
    before = Product.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
    if before is not None and before != instance.category_id:
        mark_changed(categories=[before])


def _product_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_changed(categories=[instance.category_id])


def _sku_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_changed(products=[instance.product_id])


def _price_changed(sender, instance, raw=False, **kwargs):
    # Only a product's own fixed price decides whether it is on sale; a SKU's counts nowhere.
    if not raw and instance.sku_id is None:
        mark_changed(products=[instance.product_id])


def _subcategory_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_changed(categories=[instance.category_id], subcategories=[instance.pk])


def _category_deleted(sender, instance, **kwargs):
    mark_changed(categories=[instance.pk])


def connect_receivers():
    """Recount listings when what they count changes (called once, from catalog's AppConfig)."""
    pre_save.connect(_product_before_save, sender=Product, dispatch_uid="facets-product-before")
    for signal, kind in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_product_changed, sender=Product, dispatch_uid=f"facets-product-{kind}")
        signal.connect(_sku_changed, sender=SKU, dispatch_uid=f"facets-sku-{kind}")
        signal.connect(_price_changed, sender=MarketPrice, dispatch_uid=f"facets-price-{kind}")
        signal.connect(_subcategory_changed, sender=Subcategory, dispatch_uid=f"facets-subcategory-{kind}")
    post_delete.connect(_category_deleted, sender=Category, dispatch_uid="facets-category-delete")
