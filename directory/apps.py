from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DirectoryConfig(AppConfig):
    """The site itself: its pages, error pages, crisis lines and middleware; no models."""

    name = "directory"
    verbose_name = "Muslim Mental Health Directory"
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the two-factor admin site as ``admin.site``."""

    default = False
    default_site = "directory.admin_site.AdminSite"
