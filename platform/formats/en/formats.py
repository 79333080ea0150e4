"""English dates the way the site has always written them ("6 December 2026, 14:30"), not Django's US
default ("Dec. 6, 2026, 2:30 p.m."); other languages use Django's formats."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
