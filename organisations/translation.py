"""Lookup names in every interface language (django-modeltranslation, DESIGN.md §8).

Each lookup table keeps its name in a column per language of ``settings.LANGUAGES`` (name_en_gb,
name_ur, name_ar, ...), in the same row: reading a lookup in any language is the same one query
(lookups.py), and editors edit the translations beside the English in admin. ``item.name`` is
the name in the active language, or the English one while a translation is empty.

What organisations wrote (their names, descriptions, hours) is not translated: it is shown as
written, marked with its language.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Area, Audience, DeliveryMode, Language, PractitionerGender, ServiceType


@register([ServiceType, PractitionerGender, DeliveryMode, Audience, Area, Language])
class LookupNameTranslation(TranslationOptions):
    fields = ("name",)
    # The English name is required, as before; the others may wait for a translator.
    required_languages = ("en-gb",)
