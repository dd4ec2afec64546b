"""Django's own words that the public pages show, so that every interface language has them.

Django ships catalogues for Urdu, Arabic and Bengali but none for Somali, so without these a Somali
page would name the month, and a form its errors, in English. Listing them here puts them in the
project's catalogues (``make messages``), which Django reads before its own. Never called.
"""

from django.utils.translation import gettext


def _django_strings():  # pragma: no cover - read by makemessages, never run
    # Month names, for dates ("1 December 2026": django.utils.dates.MONTHS, the "F" format).
    gettext("January")
    gettext("February")
    gettext("March")
    gettext("April")
    gettext("May")
    gettext("June")
    gettext("July")
    gettext("August")
    gettext("September")
    gettext("October")
    gettext("November")
    gettext("December")
    # The suggestion forms' errors that are Django's (django.forms.fields).
    gettext("This field is required.")
    gettext("Enter a valid URL.")
    gettext("Enter a valid email address.")
    gettext("Select a valid choice. %(value)s is not one of the available choices.")
