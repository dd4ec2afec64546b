"""Admin's history pages: every version of an organisation or a service, who made it and when,
what changed, and "Revert" to restore one, facets included (see history.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.utils import get_m2m_reverse_field_name

from .history import one_version


class VersionForm(forms.ModelForm):
    """On simple-history's "Revert" page the form starts from the old version's fields; this makes
    it start from the old version's facets (many-to-many fields) too, which simple-history leaves
    as they are now. Saving the form then restores both."""

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        version = getattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if version is None:
            return
        for field in version._history_m2m_fields:
            if field.name in self.fields:
                rows = getattr(version, field.name).all()
                target = get_m2m_reverse_field_name(field)
                self.initial[field.name] = [getattr(row, f"{target}_id") for row in rows]


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin with a "History" page (each version, who made it and when, what changed) from which
    a version can be restored ("Revert"), facets included. Saving a form, inline services
    included, records one version of each row it changed."""

    form = VersionForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)), one_version():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted version for anyone allowed to see it; restoring is a
        # change, so it needs the right to change history.
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)), one_version():
            return super().history_form_view(request, object_id, version_id, extra_context)
