"""Messages of django-import-export that the catalog's import and export pages show.

The library ships no Kyrgyz catalog; listed here, these enter the project's own catalogs
(`make translations`), so the pages read in Russian and Kyrgyz like the rest of the admin.
"""

from django.utils.translation import gettext_noop

LIBRARY_MESSAGES = (
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("Submit"),
    gettext_noop("File to import"),
    gettext_noop("Format"),
    gettext_noop("Resource"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
)
