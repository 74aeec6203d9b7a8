"""`{% picture %}`: a responsive `<picture>` of a shop picture (see storefront/renditions.py)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from storefront.renditions import Picture, picture_of

register = template.Library()


def _as_picture(value):
    if value is None or isinstance(value, Picture):
        return value
    if isinstance(value, str):
        return Picture(url=value) if value else None
    # A model with `image`, `renditions` and perhaps an outside `image_url`.
    return picture_of(value.image, getattr(value, "renditions", None), url=getattr(value, "image_url", ""))


@register.simple_tag
def picture(value, *, alt, sizes, width, height, eager=False, css="", img_id=""):
    """`{% picture product_image alt=name sizes="(min-width: 1024px) 50vw, 100vw" width=800
    height=1000 eager=forloop.first css="h-full w-full object-cover" %}`.

    `value` is a Picture, a model with `image` and `renditions`, or a plain URL. The browser picks
    a rendition for `sizes` (AVIF or WebP, JPEG otherwise); without renditions yet, the original
    file. `width`/`height` stand for the picture's proportions until its real size is known.
    `eager` loads it first (`fetchpriority="high"`, above the fold); otherwise lazily. Nothing
    is printed when there is no picture.
    """
    shown = _as_picture(value)
    if shown is None:
        return ""
    if shown.width and shown.height:
        width, height = shown.width, shown.height
    loading = mark_safe(' fetchpriority="high"' if eager else ' loading="lazy" decoding="async"')  # noqa: S308
    id_attr = format_html(' id="{}"', img_id) if img_id else ""
    class_attr = format_html(' class="{}"', css) if css else ""
    if not shown.sources and not shown.fallback_srcset:
        return format_html(
            '<img{} src="{}" alt="{}" width="{}" height="{}"{}{}>',
            id_attr, shown.url, alt, width, height, loading, class_attr,
        )  # fmt: skip
    sources = format_html_join(
        "", '<source type="{}" srcset="{}" sizes="{}">', ((mime, srcset, sizes) for mime, srcset in shown.sources)
    )
    fallback = format_html(' srcset="{}" sizes="{}"', shown.fallback_srcset, sizes) if shown.fallback_srcset else ""
    return format_html(
        '<picture>{}<img{} src="{}"{} alt="{}" width="{}" height="{}"{}{}></picture>',
        sources, id_attr, shown.url, fallback, alt, width, height, loading, class_attr,
    )  # fmt: skip
