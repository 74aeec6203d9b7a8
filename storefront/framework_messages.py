"""Messages of Django itself that its Russian and Kyrgyz catalogs do not translate yet.

Django 6.1 names the empty choice of every select "- Select an option -" (`BLANK_CHOICE_LABEL`):
the admin's action bar and list filters, and any form with an optional choice. Listed here, the
string enters the project's own catalogs (`make translations`), which Django reads before its own
(LOCALE_PATHS), so the select reads in the page's language.
"""

from django.utils.translation import gettext_noop

FRAMEWORK_MESSAGES = (gettext_noop("- Select an option -"),)
