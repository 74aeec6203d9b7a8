"""Sections that apps above the catalog add to the product page, such as its reviews.

The catalog stands below those apps and never imports them: an app registers a section in its
`AppConfig.ready()` with the template that renders it and a function `context(request, product)`
that reads what it shows. The page merges each section's context into its own and includes each
template in registration order. A section may set `review_total` and `rating` (the average of
those reviews): the buy box and the product's JSON-LD show them.

An app may also add to the buy box, on the page and in its HTMX partial (a variant picked): a
function `context(request, choice)` registered with `register_buy_box_context` returns values the
box's own parts read (the shopper's waiting stock alerts, say), or nothing for most pages.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProductPageSection:
    template: str
    context: Callable


_sections: list[ProductPageSection] = []
_buy_box_contexts: list[Callable] = []
# Set in a page's context when an app added to its buy box: the box's own parts are then the
# shopper's, rendered for their page (`catalog.fragments.render_buy_box`).
SHOPPERS_OWN = "buy_box_shoppers_own"


def register_section(*, template: str, context: Callable) -> None:
    """Add a section to every product page (once per template, so a repeated ready() adds nothing)."""
    if all(section.template != template for section in _sections):
        _sections.append(ProductPageSection(template=template, context=context))


def sections_context(request, product) -> dict:
    """The registered sections' context for `product`'s full page, with `product_sections`, their templates."""
    context = {"product_sections": [section.template for section in _sections]}
    for section in _sections:
        context.update(section.context(request, product))
    return context


def register_buy_box_context(context: Callable) -> None:
    """Add `context(request, choice)` to every buy box (once, so a repeated ready() adds nothing)."""
    if context not in _buy_box_contexts:
        _buy_box_contexts.append(context)


def buy_box_context(request, choice) -> dict:
    """What the registered apps add to the buy box of `choice` (a `variant_choice`) for this request,
    marked as the shopper's own (`SHOPPERS_OWN`) when there is anything."""
    context = {}
    for read in _buy_box_contexts:
        context.update(read(request, choice))
    return {**context, SHOPPERS_OWN: True} if context else context
