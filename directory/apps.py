from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the two-factor admin site as ``admin.site``."""

    default_site = "directory.admin_site.AdminSite"
