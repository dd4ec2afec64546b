"""Response headers Django's own middleware does not set: Permissions-Policy, and the
Referrer-Policy of pages with a form.

Public pages are sent with ``Referrer-Policy: no-referrer`` (``SECURE_REFERRER_POLICY``): no
other site, and not even this one, learns which page a visitor came from. Under that policy,
though, Chromium sends ``Origin: null`` with a form's POST, and Django's CSRF protection refuses
it, so nobody could sign in to admin or send a suggestion. Pages that carry a CSRF token (the
token was asked for while the page was made) and every admin page are therefore sent with
``same-origin``: this site still gets its own origin with the form, other sites get nothing.

Listed right after ``SecurityMiddleware`` in ``MIDDLEWARE``, so that on the way out it runs
before it: ``SecurityMiddleware`` only fills in a Referrer-Policy that is not set yet.
"""

from django.conf import settings
from django.utils import translation

# Powerful features the site never uses, turned off for it and anything it might embed, and no
# interest groups (FLoC, Topics) computed from visits. Only features Chromium knows
# (document.featurePolicy.features(), checked by tests/browser/test_security_headers.py).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
FORM_REFERRER_POLICY = "same-origin"


def carries_a_form_token(request) -> bool:
    """Whether the page asked for a CSRF token (``django.middleware.csrf.get_token``), as every
    ``{% csrf_token %}`` does. ``get_token`` sets this key; CsrfViewMiddleware later sets it to
    False once it has sent the cookie, but never removes it."""
    return "CSRF_COOKIE_NEEDS_UPDATE" in request.META


def is_admin(request) -> bool:
    return request.path_info.startswith("/" + settings.ADMIN_URL)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_admin(request) or carries_a_form_token(request):
            response.headers.setdefault("Referrer-Policy", FORM_REFERRER_POLICY)
        return response


class URLLanguageMiddleware:
    """The interface language from the URL alone (DESIGN.md §8): the language of its prefix
    (``/ur/organisations/``), and English for a path without one, whatever the browser asks for.

    Django's LocaleMiddleware also reads a cookie and ``Accept-Language`` for paths outside
    ``i18n_patterns`` (admin, ``/healthz``): here nothing but the path decides, so one URL is one
    page in one language, for people, caches and search engines alike. ``set_language`` is never
    mounted, so no cookie is ever set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # The next request in this thread (or a test after it) starts from English: nothing
            # it does, such as making a lookup, may take this page's language by accident.
            translation.activate(settings.LANGUAGE_CODE)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
