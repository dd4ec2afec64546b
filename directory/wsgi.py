"""The WSGI application: what every server serves (gunicorn, ``python -m gunicorn``, uWSGI, and
``manage.py runserver``, which loads ``WSGI_APPLICATION``).

It refuses to be made with ``DEBUG`` off and no ``DJANGO_SECRET_KEY``: a production server never
starts with the development key, however it is started. Management commands and the tests do not
make it, so they run without a key.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()

if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set, and DEBUG is off: refusing to serve with the development "
        "key. Set DJANGO_SECRET_KEY (see .env.example), or set DJANGO_DEBUG=1 on your own machine."
    )
