"""A demo product's texts in Russian and Kyrgyz, written from the same choices as its English ones.

Every function returns `{"<field>_ru": …, "<field>_ky": …}`, ready to go beside the English column
(storefront.content); a word the tables in demo.product_words lack leaves both empty, so the page
shows the English text rather than a half-translated one.
"""

from demo.product_words import (
    ADJECTIVES,
    COLORS,
    COMFORTABLE,
    CUT,
    FEATURES,
    GARMENTS,
    LASTING,
    MAIN_MATERIAL,
    MATERIAL_PHRASES,
    MATERIALS,
    OUR,
    SENTENCES,
    SIZES,
)
from storefront.content import CONTENT_LANGUAGES


def _columns(field, versions):
    if versions is None:
        return {f"{field}_{language}": "" for language in CONTENT_LANGUAGES}
    return {f"{field}_{language}": text for language, text in zip(CONTENT_LANGUAGES, versions, strict=True)}


def _capital(text):
    return text[:1].upper() + text[1:]


def _russian_with_adjective(adjective, gender, garment):
    """ "свободное платье миди"; "пальто с поясом" for an adjective said as a phrase after it."""
    if adjective is None:
        return garment
    form = ADJECTIVES[adjective][0][("m", "f", "n", "pl").index(gender)]
    return f"{garment} {form}" if form.startswith("с ") else f"{form} {garment}"


def _known(adjective, material, garment):
    return garment in GARMENTS and (adjective is None or adjective in ADJECTIVES) and (material in (None, *MATERIALS))


def color_texts(color):
    return _columns("color", COLORS.get(color))


def size_texts(size):
    return _columns("size", SIZES.get(size))


def name_texts(*, adjective, material, garment):
    """The product name: `adjective` and the `material` shown in it may each be None."""
    if not _known(adjective, material, garment):
        return _columns("name", None)
    gender, russian, kyrgyz = GARMENTS[garment]
    russian = _russian_with_adjective(adjective, gender, russian)
    if material:
        russian = f"{russian} из {MATERIALS[material][1]}"
    kyrgyz_words = (ADJECTIVES[adjective][1] if adjective else "", MATERIALS[material][2] if material else "", kyrgyz)
    return _columns("name", (_capital(russian), _capital(" ".join(word for word in kyrgyz_words if word))))


def alt_texts(brand, names):
    """A gallery picture's alt text: the brand and the product's name, as the English one."""
    return {
        f"alt_text_{language}": f"{brand} {names[f'name_{language}']}" if names[f"name_{language}"] else ""
        for language in CONTENT_LANGUAGES
    }


def _material_in_sentence(material):
    phrase = MATERIAL_PHRASES.get(material)
    if phrase:
        return phrase
    _nominative, genitive, _kyrgyz, ablative = MATERIALS[material]
    return genitive, ablative


def description_texts(*, opening, adjective, garment, material, middle, closing):
    """The description: opening number `opening` of demo.wardrobe.OPENINGS, then two sentences."""
    if not (_known(adjective, material, garment) and middle in SENTENCES and closing in SENTENCES):
        return _columns("description", None)
    gender, russian_garment, kyrgyz_garment = GARMENTS[garment]
    russian_material, kyrgyz_material = _material_in_sentence(material)
    russian_adjective, kyrgyz_adjective = ADJECTIVES[adjective]
    russian_adjective = russian_adjective[("m", "f", "n", "pl").index(gender)]
    if opening == 0:
        russian = f"{_russian_with_adjective(adjective, gender, russian_garment)} из {russian_material}."
        kyrgyz = f"{kyrgyz_material} жасалган {kyrgyz_adjective} {kyrgyz_garment}."
    elif opening == 1:
        russian = (
            f"{OUR[gender]} {russian_garment} из {russian_material}: {russian_adjective}, "
            f"{COMFORTABLE[gender]} и {LASTING[gender]}."
        )
        kyrgyz = f"Биздин {kyrgyz_material} жасалган {kyrgyz_garment}: {kyrgyz_adjective}, ыңгайлуу жана бышык."
    else:
        russian = f"{russian_garment}, {CUT[gender]} из {russian_material}."
        kyrgyz = f"{kyrgyz_material} бычылган {kyrgyz_garment}."
    russian = " ".join((_capital(russian), SENTENCES[middle][0], SENTENCES[closing][0]))
    kyrgyz = " ".join((_capital(kyrgyz), SENTENCES[middle][1], SENTENCES[closing][1]))
    return _columns("description", (russian, kyrgyz))


def feature_texts(text, material):
    """A feature line; "Main material: …" names `material`."""
    if text.startswith("Main material:"):
        known = MATERIALS.get(material)
        versions = None if known is None else (MAIN_MATERIAL[0].format(known[0]), MAIN_MATERIAL[1].format(known[2]))
        return _columns("feature_text", versions)
    return _columns("feature_text", FEATURES.get(text))
