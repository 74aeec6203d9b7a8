"""Demo homepage banners of every type for KG, US and ALL, with schedules and a week of statistics."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from demo.content_languages import in_content_languages
from demo.seeding import seeded_random
from marketing.models import Banner, BannerStat
from storefront.markets import Market, MarketScope, get_market
from storefront.money import format_for_market

STAT_DAYS = 7


@dataclass(frozen=True)
class BannerSpec:
    title: str
    subtitle: str
    banner_type: str
    market: str
    button_text: str
    link_url: str
    shapes: tuple[str, ...]
    colors: tuple[str, ...]
    # Schedule in days from now: None leaves that end open.
    starts: int | None = -14
    ends: int | None = None


def _free_delivery(market):
    config = get_market(market)
    with translation.override("en"):  # the base text is English: "5 000 som"
        return format_for_market(config.shipping.free_over, config)


def banner_specs():
    hero, promo, category = Banner.Type.HERO, Banner.Type.PROMO, Banner.Type.CATEGORY
    kg, us, every = MarketScope.KG, MarketScope.US, MarketScope.ALL
    return (
        BannerSpec(
            "Autumn in the Ala-Too",
            "Chapans, yak wool and felt, made by Kyrgyz makers for mountain mornings.",
            hero,
            kg,
            "Shop Heritage",
            "/kg/c/heritage/",
            ("coat", "hat"),
            ("BRG", "MST"),
        ),
        BannerSpec(
            "Free delivery in Bishkek and Osh",
            f"On every order over {_free_delivery(Market.KG)}. Pay in cash when it arrives.",
            hero,
            kg,
            "Start shopping",
            "/kg/",
            ("bag", "dress"),
            ("CML", "SAG"),
            starts=-30,
        ),
        BannerSpec(
            "Warm layers, −20% this week",
            "Down jackets and wool accessories for the coldest days.",
            promo,
            kg,
            "See the offer",
            "/kg/c/warm-layers/",
            ("coat", "scarf"),
            ("NVY", "RED"),
            starts=-3,
            ends=4,
        ),
        BannerSpec(
            "Nooruz gift guide",
            "Presents for the whole family, wrapped and delivered.",
            promo,
            kg,
            "Find a gift",
            "/kg/",
            ("bag", "scarf"),
            ("TRC", "IVR"),
            starts=21,
            ends=35,
        ),
        BannerSpec(
            "Felt, stitched by hand",
            "Shyrdak clutches and totes from workshops in Kochkor.",
            category,
            kg,
            "Explore felt",
            "/kg/c/heritage/",
            ("bag",),
            ("TRC",),
        ),
        BannerSpec(
            "Winter starts here",
            "Parkas, puffers and thermals.",
            category,
            kg,
            "Shop warm layers",
            "/kg/c/warm-layers/",
            ("coat",),
            ("OLV",),
        ),
        BannerSpec(
            "The Weekend Edit",
            "Linen, denim and easy knits for slow Saturdays.",
            hero,
            us,
            "Shop the edit",
            "/us/",
            ("dress", "sneaker"),
            ("TRC", "SND"),
        ),
        BannerSpec(
            "Swim & Resort is here",
            "Swimsuits, trunks and cover-ups for the season ahead.",
            hero,
            us,
            "Shop swim",
            "/us/c/swim-resort/",
            ("swimsuit", "hat"),
            ("SKY", "SND"),
            starts=-7,
        ),
        BannerSpec(
            f"Free shipping over {_free_delivery(Market.US)}",
            "Plus free returns within 30 days, on every order.",
            promo,
            us,
            "Start shopping",
            "/us/",
            ("backpack", "sneaker"),
            ("NVY", "WHT"),
        ),
        BannerSpec(
            "Black Friday preview",
            "Early access to our biggest sale of the year.",
            promo,
            us,
            "Get early access",
            "/us/",
            ("bag", "heel"),
            ("BLK", "RED"),
            starts=10,
            ends=17,
        ),
        BannerSpec(
            "Activewear that moves",
            "Leggings, hoodies and running shoes.",
            category,
            us,
            "Shop activewear",
            "/us/c/activewear/",
            ("trousers", "sneaker"),
            ("SAG", "CHR"),
        ),
        BannerSpec(
            "New season sneakers",
            "Court classics and runners in fresh colors.",
            hero,
            every,
            "Shop sneakers",
            "/c/shoes/",
            ("sneaker", "sneaker"),
            ("WHT", "CML"),
            starts=-10,
        ),
        BannerSpec(
            "Knitwear, up to 30% off",
            "Merino, cashmere and yak wool, while stocks last.",
            promo,
            every,
            "Shop knitwear",
            "/c/women/",
            ("knit", "knit"),
            ("CML", "BRG"),
            starts=-5,
            ends=9,
        ),
        BannerSpec(
            "Spring sale",
            "Last chance: the spring sale has ended.",
            promo,
            every,
            "Shop sale",
            "/c/women/",
            ("dress", "skirt"),
            ("RSE", "SAG"),
            starts=-40,
            ends=-2,
        ),
        BannerSpec(
            "Bags for every day",
            "Totes, crossbodies and backpacks.",
            category,
            every,
            "Shop bags",
            "/c/bags-accessories/",
            ("bag", "backpack"),
            ("CML", "OLV"),
        ),
        BannerSpec(
            "Dress for the occasion",
            "Midi, maxi and slip dresses.",
            category,
            every,
            "Shop dresses",
            "/c/women/",
            ("dress",),
            ("LLC",),
        ),
        BannerSpec(
            "Kids' new arrivals",
            "Soft cotton for busy days.",
            category,
            every,
            "Shop kids",
            "/c/kids/",
            ("top", "dress"),
            ("MST", "SKY"),
        ),
    )


def _stats(banner, spec, today):
    """A week of daily views and clicks in each market the banner shows in (none before it starts)."""
    rng = seeded_random("banner-stats", spec.market, spec.title)
    markets = [m.value for m in Market] if spec.market == MarketScope.ALL else [spec.market]
    last_day = today if spec.ends is None else min(today, today + timedelta(days=spec.ends))
    first_day = last_day - timedelta(days=STAT_DAYS - 1)
    if spec.starts is not None:
        first_day = max(first_day, today + timedelta(days=spec.starts))
    stats = []
    day = first_day
    while day <= last_day:
        for market in markets:
            views = rng.randint(300, 4000) if spec.banner_type == Banner.Type.HERO else rng.randint(80, 1500)
            clicks = round(views * rng.uniform(0.008, 0.06))
            stats.append(BannerStat(banner=banner, market=market, date=day, views=views, clicks=clicks))
        day += timedelta(days=1)
    return stats


def seed_banners(*, pictures):
    """Each banner once, found again by (title, market, type); statistics come with a new banner."""
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for order, spec in enumerate(banner_specs()):
            key = f"{slugify(spec.title)}-{spec.market.lower()}"
            image = pictures.banner(key, shapes=spec.shapes, color_codes=spec.colors)
            banner, was_created = Banner.objects.get_or_create(
                title=spec.title,
                market=spec.market,
                banner_type=spec.banner_type,
                defaults={
                    **in_content_languages("title", spec.title),
                    "subtitle": spec.subtitle,
                    **in_content_languages("subtitle", spec.subtitle),
                    "image": image,
                    "alt_text": spec.title,
                    **in_content_languages("alt_text", spec.title),
                    "button_text": spec.button_text,
                    **in_content_languages("button_text", spec.button_text),
                    "link_url": spec.link_url,
                    "sort_order": (order + 1) * 10,
                    "start_date": None if spec.starts is None else now + timedelta(days=spec.starts),
                    "end_date": None if spec.ends is None else now + timedelta(days=spec.ends),
                },
            )
            if not was_created:
                continue
            created += 1
            stats = _stats(banner, spec, today)
            BannerStat.objects.bulk_create(stats)
            banner.view_count = sum(stat.views for stat in stats)
            banner.click_count = sum(stat.clicks for stat in stats)
            banner.save(update_fields=["view_count", "click_count"])
    return created
