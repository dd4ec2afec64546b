"""Any change to what the public may see moves the directory's version (see versioning.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from . import models
from .querysets import FACET_RELATIONS
from .versioning import directory_changed

WATCHED = (
    models.Organisation,
    models.Service,
    models.ServiceType,
    models.DeliveryMode,
    models.Language,
    models.PractitionerGender,
    models.Audience,
    models.Area,
)
FACET_THROUGH = tuple(getattr(models.Service, relation).through for relation in FACET_RELATIONS)


def _changed(sender, using="default", raw=False, **kwargs):
    directory_changed(using=using)


def _m2m_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        directory_changed(using=using)


def connect():
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"directory-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"directory-delete-{model.__name__}"
        )
    for through in FACET_THROUGH:
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"directory-m2m-{through}")


@receiver(post_migrate, dispatch_uid="directory-migrated")
def _migrated(sender, using="default", **kwargs):
    if sender.name == "organisations":
        directory_changed(using=using)
