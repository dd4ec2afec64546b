"""Change history and undo: every change to an organisation or a service, its facets included,
with who made it and when (django-simple-history), and restoring an earlier version in admin.

simple-history records a row as it is after each save and after each change to one of its
many-to-many fields. Two additions:

- A row that was seeded, bulk-inserted or there before history began has no record until it first
  changes, so the state that change replaces would be lost and could not be restored.
  ``DirectoryHistory`` records such a row as it stands just before its first recorded change (no
  user; the reason says so), at the cost of one indexed query per save. Seeding and the
  synthetic-data generator therefore record nothing themselves.
- One save in admin writes the service, then each facet that changed: without ``one_version()``
  that would be a version for each step, the first ones with the new details and the old facets.
  Inside ``one_version()`` (admin's views, history_admin.py) each row changed gets one version,
  as it stands at the end.

``QuerySet.update()`` (admin's bulk actions) sends no signals: ``record_bulk_change`` records it.
Admin's history pages and restoring a version: history_admin.py.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db.models.signals import m2m_changed, pre_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

FIRST_STATE = "As it stood before its first recorded change"

_recorders = {}  # model -> its DirectoryHistory
# Inside one_version(): {(model, pk): [recorder, instance, history type]} to record at the end.
_pending = ContextVar("directory_history_pending", default=None)


def _enabled(instance=None):
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return False
    return not hasattr(instance, "skip_history_when_saving")


@contextmanager
def one_version():
    """Record each row changed inside the block once, as it stands at the end of the block (run
    it inside the transaction that makes the changes)."""
    if _pending.get() is not None:  # already inside one
        yield
        return
    pending = {}
    token = _pending.set(pending)
    try:
        yield
        for recorder, instance, history_type in pending.values():
            if type(instance)._default_manager.filter(pk=instance.pk).exists():  # not deleted
                recorder.create_historical_record(instance, history_type)
    finally:
        _pending.reset(token)


class DirectoryHistory(HistoricalRecords):
    """simple-history's ``HistoricalRecords``, plus a record of each row before its first change,
    and one version per change inside ``one_version()``."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is not self.cls:
            return
        _recorders[sender] = self
        pre_save.connect(self._before_save, sender=sender, weak=False)
        for field in self.get_m2m_fields_from_model(sender):
            m2m_changed.connect(
                self._before_m2m_change, sender=field.remote_field.through, weak=False
            )

    # --- Recording once per change ---

    def _defer(self, instance, history_type):
        """True when ``one_version()`` will record the instance instead."""
        pending = _pending.get()
        if pending is None:
            return False
        key = (type(instance), instance.pk)
        if key in pending:
            pending[key][1] = instance
            if history_type == "+":
                pending[key][2] = "+"
        else:
            pending[key] = [self, instance, history_type]
        return True

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw") or not _enabled(instance):
            return super().post_save(instance, created, using=using, **kwargs)
        if not self._defer(instance, "+" if created else "~"):
            super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        deferrable = action in ("post_add", "post_remove", "post_clear") and _enabled(instance)
        if not (deferrable and self._defer(instance, "~")):
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    # --- The state before the first change ---

    def _before_save(self, sender, instance, raw=False, using=None, **kwargs):
        if raw or instance._state.adding or instance.pk is None or not _enabled(instance):
            return
        self.record_first_state(sender, [instance.pk], using=using)

    def _before_m2m_change(self, sender, instance, action, reverse, using=None, **kwargs):
        if action not in ("pre_add", "pre_remove", "pre_clear") or reverse:
            return
        if _enabled(instance):
            self.record_first_state(type(instance), [instance.pk], using=using)

    def record_first_state(self, model, pks, using=None, stored=None):
        """Record each row of ``pks`` that has no history yet, as it stands in the database (or
        as ``stored`` holds it: the rows read before a ``QuerySet.update()``)."""
        pending = _pending.get() or {}
        pks = [pk for pk in pks if (model, pk) not in pending]  # created or recorded already
        if not pks:
            return
        history = getattr(model, self.manager_name)
        pk_name = model._meta.pk.attname
        recorded = set(
            history.filter(**{f"{pk_name}__in": pks}).values_list(pk_name, flat=True).distinct()
        )
        missing = [pk for pk in pks if pk not in recorded]
        if not missing:
            return
        if stored is None:
            stored = model._default_manager.using(using).filter(pk__in=missing)
        for row in stored:
            if row.pk not in missing:
                continue
            row._history_user = None  # nobody we know: seeded, imported or older than history
            row._change_reason = FIRST_STATE
            # An organisation knows when it last changed; a service does not.
            row._history_date = getattr(row, "updated", None) or timezone.now()
            self.create_historical_record(row, "~", using=using)


def record_bulk_change(model, before, user, reason):
    """Record rows changed by ``QuerySet.update()``, which sends no signals. ``before`` holds the
    rows as read before the update. Models without history (suggestions) are left alone."""
    recorder = _recorders.get(model)
    if recorder is None or not before:
        return
    pks = [row.pk for row in before]
    recorder.record_first_state(model, pks, stored=before)
    for row in model._default_manager.filter(pk__in=pks):
        row._history_user = user
        row._change_reason = reason
        recorder.create_historical_record(row, "~")
