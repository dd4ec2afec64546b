"""Urdu dates day first, as in the UK and in Pakistan: "1 دسمبر 2026" (Django's own Urdu format is
the American "N j, Y")."""

DATE_FORMAT = "j F Y"
