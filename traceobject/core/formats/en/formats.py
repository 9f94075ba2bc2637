"""English dates written the same way in every country.

Django's ``en`` formats are American ("07/12/2026", "3:17 p.m."): an officer in Europe reads 07/12 as the
7th of December. The staff and partners of this project work across borders, so English pages spell the
month out and use a 24-hour clock. French and German keep Django's own formats, which are unambiguous.
Input formats are left to Django: form values are ISO 8601 anyway.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
