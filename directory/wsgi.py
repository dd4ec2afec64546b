"""WSGI entry point, used by gunicorn (``gunicorn directory.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()
