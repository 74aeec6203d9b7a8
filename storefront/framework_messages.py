"""Messages of Django itself that its Russian or Kyrgyz catalogs do not translate yet.

Django 6.1 names the empty choice of every select "- Select an option -" (`BLANK_CHOICE_LABEL`):
the admin's action bar and list filters, and any form with an optional choice; the button that
runs an admin action is "Run", which its Kyrgyz catalog lacks. Listed here, the strings enter the
project's own catalogs (`make translations`), which Django reads before its own (LOCALE_PATHS), so
they read in the page's language.
"""

from django.utils.translation import gettext_noop

FRAMEWORK_MESSAGES = (gettext_noop("- Select an option -"), gettext_noop("Run"))
