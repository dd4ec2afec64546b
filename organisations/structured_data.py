"""An organisation's page in schema.org's words, for search engines (DESIGN.md §9): JSON-LD in
``<script type="application/ld+json">``, a data block the browser never runs, so the Content
Security Policy needs no exception for it.

It says what the page says and nothing more. Contact details are read through the same properties
the page shows them by (``Organisation.phone``, ``email``, ``website``; ``Service.contact_phone``,
``contact_email``, ``contact_url``), so the rule of what is public stays in one place: the model.
Each service's part is built when its HTML is and kept with it for the directory's version
(listing/fragments.py ``services_in_full``), so it costs the page no query.

- The organisation is an ``NGO`` when it has a charity number (its ``identifier``), otherwise an
  ``Organization``; its ``url`` is its page here, ``sameAs`` its own website.
- Each active service is an ``Offer`` of a ``Service``: its types (``serviceType``), areas
  (``areaServed``; UK-wide is the United Kingdom), languages (``availableLanguage``, with the ISO
  code), hours as written and how to reach it (``availableChannel``).
- Lookup names are in the page's language, given as ``inLanguage`` of the page; what an
  organisation wrote (names, descriptions, hours) stays as written.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from directory.languages import language_tag

CONTEXT = "https://schema.org"
# As django.utils.html.json_script escapes them: no "</script>" or "<!--" can end the block early.
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
UNITED_KINGDOM = {"@type": "Country", "name": "United Kingdom"}


def contact(phone, email):
    """A phone number and an email address as schema.org names them, those given only."""
    return {name: value for name, value in (("telephone", phone), ("email", email)) if value}


def service(service):
    """``service`` (its organisation set, its facets attached) as a schema.org ``Service``."""
    facets = service.facets
    data = {"@type": "Service", "name": service.name}
    if service.description:
        data["description"] = service.description
    if facets["type"]:
        data["serviceType"] = [kind.name for kind in facets["type"]]
    if facets["area"]:
        areas = [area for area in facets["area"] if not area.is_national]
        national = len(areas) < len(facets["area"])
        data["areaServed"] = [UNITED_KINGDOM] * national + [
            {"@type": "AdministrativeArea", "name": area.name} for area in areas
        ]
    if facets["language"]:
        data["availableLanguage"] = [
            {"@type": "Language", "name": language.name, "alternateName": language.code}
            for language in facets["language"]
        ]
    if service.hours:
        data["hoursAvailable"] = {
            "@type": "OpeningHoursSpecification",
            "description": service.hours,
        }
    channel = {}
    if service.contact_url:
        channel["serviceUrl"] = service.contact_url
    point = contact(service.contact_phone, service.contact_email)
    if point:
        channel["servicePhone"] = {"@type": "ContactPoint", **point}
    venues = getattr(service, "shown_venues", ())
    if venues:
        channel["serviceLocation"] = [place(venue) for venue in venues]
    if channel:
        data["availableChannel"] = {"@type": "ServiceChannel", **channel}
    return data


def place(venue):
    """A venue as a schema.org ``Place`` with its postal address and, when it is the door's, its
    coordinates (not a district's middle, which would say more than is known)."""
    street = ", ".join(part for part in (venue.address_1, venue.address_2) if part)
    data = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": venue.town,
            "postalCode": venue.postcode,
            "addressCountry": "GB",
        },
    }
    if venue.name:
        data["name"] = venue.name
    if venue.latitude is not None and not venue.location_is_approximate:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    return data


def organisation(organisation, services, page_url):
    """``organisation``'s page at ``page_url`` (absolute), with ``services``, each from
    ``service()``, in the page's order."""
    data = {
        "@context": CONTEXT,
        "@type": "NGO" if organisation.charity_number else "Organization",
        "name": organisation.name,
        "url": page_url,
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": page_url,
            "inLanguage": language_tag(get_language()),
        },
        "description": organisation.summary,
        **contact(organisation.phone, organisation.email),
    }
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.charity_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Registered charity number",
            "value": organisation.charity_number,
        }
    if services:
        data["makesOffer"] = [{"@type": "Offer", "itemOffered": shown} for shown in services]
    return data


def script(data):
    """``data`` as a JSON-LD block: compact, and safe anywhere in a page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text.translate(ESCAPES))
    )
