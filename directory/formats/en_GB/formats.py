"""English dates as the site has always written them: "1 December 2026", the month in full."""

DATE_FORMAT = "j F Y"
