"""The Russian and Kyrgyz catalogs: complete, current with the code, faithful to placeholders, compiled.

`make translations` refreshes locale/<language>/LC_MESSAGES/django.po from the code; translators
fill what is new or fuzzy; `make messages` (part of `make setup` and `make test`) compiles them.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["ru", "ky"]
PLURAL_FORMS = {"ru": 3, "ky": 2}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]|%[sdf]|\{\w*\}")
# What `make translations` leaves out, and what a copy of the project for the check does not need.
NOT_SOURCE = {".venv", ".git", "node_modules", "media", "staticfiles", "static", "locale", ".pytest_cache"}


def catalog(language):
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def forms(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)
    missing = [e.msgid for e in po if not all(form.strip() for form in forms(e))]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"{language}: untranslated: {missing}"
    assert not fuzzy, f"{language}: fuzzy (check and confirm): {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form_of_the_language(language):
    po = catalog(language)
    assert f"nplurals={PLURAL_FORMS[language]};" in po.metadata["Plural-Forms"]
    plurals = [e for e in po if e.msgid_plural]
    assert plurals
    for entry in plurals:
        assert len(entry.msgstr_plural) == PLURAL_FORMS[language], entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalog(language):
        expected = placeholders(entry.msgid)
        for form in forms(entry):
            # Plural forms may spell out "one" instead of %(n)d, never invent a placeholder.
            got = placeholders(form)
            allowed = sorted(set(expected) | set(placeholders(entry.msgid_plural or "")))
            if (entry.msgid_plural and not set(got) <= set(allowed)) or (not entry.msgid_plural and got != expected):
                wrong.append((entry.msgid, form))
    assert not wrong, f"{language}: placeholders differ from the English: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_current_one(language):
    """What the shop reads (the .mo that `make messages` compiles) says what the .po says."""
    stale = []
    with translation.override(language):
        for entry in catalog(language):
            if entry.msgid_plural:
                got = (
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 5)
                    if entry.msgctxt
                    else (translation.ngettext(entry.msgid, entry.msgid_plural, 5))
                )
                index = 2 if language == "ru" else 1
                expected = entry.msgstr_plural[index]
            else:
                got = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                expected = entry.msgstr
            if got != expected:
                stale.append(entry.msgid)
    assert not stale, f"{language}: run `make messages`; the compiled catalog differs for {stale}"


def test_the_catalogs_hold_every_string_of_the_code(tmp_path, monkeypatch):
    """A string marked in a template or in Python but missing from a catalog fails here.

    Extracts the messages of a copy of the project into a copy of the catalogs, as
    `make translations` would, and looks for what that adds or changes.
    """
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=lambda _dir, names: [n for n in names if n in NOT_SOURCE or n.endswith(".mo")])
    for language in LANGUAGES:
        target = copy / "locale" / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", target / "django.po")
    before = {
        language: (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_bytes() for language in LANGUAGES
    }
    monkeypatch.chdir(copy)

    call_command(
        "makemessages", locale=LANGUAGES, no_obsolete=True, ignore_patterns=["theme/static_src/*"], verbosity=0
    )

    for language in LANGUAGES:
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_bytes() == before[language]
        refreshed = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        new = [e.msgid for e in refreshed if not any(form.strip() for form in forms(e)) or e.fuzzy]
        assert not new, f"{language}: not in the catalog yet (run `make translations` and translate): {new}"
        current = {(e.msgctxt, e.msgid) for e in refreshed}
        unused = [msgid for ctxt, msgid in {(e.msgctxt, e.msgid) for e in catalog(language)} - current]
        assert not unused, f"{language}: no longer in the code (run `make translations`): {unused}"
