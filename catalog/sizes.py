"""The order sizes are listed in, wherever a shop lists them: letters from small to large (XS < S <
M < L < XL < XXL), then numbered sizes by their number within the same system ("US 7" before
"US 10", "2Y" before "10Y", "38" before "42"), then words nobody taught us, alphabetically.

`size_sort_key` is the one rule; the product page, the listing's size filter and the cart's size
picker sort with it.
"""

import re
from decimal import Decimal, InvalidOperation

LETTER_SIZES = ("XXXS", "XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "XXXXL")
# The same sizes written with a count: 2XL is XXL.
LETTER_ALIASES = {"2XS": "XXS", "3XS": "XXXS", "2XL": "XXL", "3XL": "XXXL", "4XL": "XXXXL"}
ONE_SIZE = {"ONE SIZE", "ONESIZE", "ONE-SIZE", "OS", "O/S"}

_LETTER_GROUP, _ONE_SIZE_GROUP, _NUMBERED_GROUP, _WORD_GROUP = range(4)
# A system ("US", "EU", or none), numbers ("7", "10.5", "32/34"), a unit ("Y" for years, "M" for months).
_NUMBERED = re.compile(
    r"(?P<system>\D*?)\s*(?P<numbers>\d+(?:[.,]\d+)?½?(?:\s*[/×x-]\s*\d+(?:[.,]\d+)?½?)*)\s*(?P<unit>\D*)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s*[/×x-]\s*", re.IGNORECASE)


def _letter_rank(part):
    part = LETTER_ALIASES.get(part, part)
    return LETTER_SIZES.index(part) if part in LETTER_SIZES else None


def _number(text):
    half = text.endswith("½")
    try:
        return Decimal(text.rstrip("½").replace(",", ".") or "0") + (Decimal("0.5") if half else 0)
    except InvalidOperation:
        return Decimal(0)


def size_sort_key(size: str) -> tuple:
    """A key that sorts sizes as shoppers expect (see the module's docstring); any string is accepted."""
    text = " ".join(str(size).split())
    upper = text.upper()
    letters = [_letter_rank(part) for part in re.split(r"\s*[/-]\s*", upper)] if upper else [None]
    if None not in letters:  # "M", "2XL", and pairs such as "S/M"
        return (_LETTER_GROUP, tuple(letters), upper)
    if upper in ONE_SIZE:
        return (_ONE_SIZE_GROUP, (), upper)
    numbered = _NUMBERED.fullmatch(text)
    if numbered:
        numbers = tuple(_number(n) for n in _SEPARATOR.split(numbered["numbers"]))
        system, unit = numbered["system"].strip().casefold(), numbered["unit"].strip().casefold()
        return (_NUMBERED_GROUP, (system, unit, numbers), upper)
    return (_WORD_GROUP, (text.casefold(),), upper)


def sorted_sizes(sizes) -> list[str]:
    """`sizes` in size order, each once."""
    return sorted(set(sizes), key=size_sort_key)
