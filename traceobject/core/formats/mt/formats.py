"""Maltese dates, which Django has no format module for (it falls back to the American "Dec. 7, 2026").

From CLDR (Babel's ``mt`` locale): "7 ta' Diċembru 2026" (with a typographic apostrophe, U+2019),
"07/12/2026 15:04", a 24-hour clock. The month names come from the catalog under
``traceobject/locale_django/mt`` (Django has no Maltese catalog).
"""

DATE_FORMAT = "j \\t\\a\u2019 F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j \\t\\a\u2019 F Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j \\t\\a\u2019 F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0  # Sunday (CLDR, Malta)
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
