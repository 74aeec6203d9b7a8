"""Russian date formats where Django's differ from how the shop writes them.

Django's MONTH_DAY_FORMAT for Russian ("j F") names the month in the nominative ("7 Декабрь");
a day of the month takes the genitive, as its DATE_FORMAT already does ("7 декабря").
"""

MONTH_DAY_FORMAT = "j E"
