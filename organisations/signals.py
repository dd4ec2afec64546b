"""Any change to what the public may see moves the directory's version (caching/versioning.py).

What the public sees is organisations, their services, the lookup tables of every facet and the
links between services and lookups, all named by the facet registry (facets.py). Saves, deletes
and facet changes send signals; bulk changes, which do not, go through services.py.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from .caching.versioning import directory_changed
from .facets import LOOKUP_FACETS, lookup_models


def public_models():
    from .models import Organisation, Service, Venue

    return (Organisation, Service, Venue, *lookup_models())


def _changed(sender, using="default", raw=False, **kwargs):
    directory_changed(using=using)


def _m2m_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        directory_changed(using=using)


def connect():
    for model in public_models():
        post_save.connect(_changed, sender=model, dispatch_uid=f"directory-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"directory-delete-{model.__name__}"
        )
    for facet in LOOKUP_FACETS:
        m2m_changed.connect(
            _m2m_changed, sender=facet.through, dispatch_uid=f"directory-m2m-{facet.param}"
        )
    from .models import Service

    m2m_changed.connect(
        _m2m_changed, sender=Service.venues.through, dispatch_uid="directory-m2m-venues"
    )


@receiver(post_migrate, dispatch_uid="directory-migrated")
def _migrated(sender, using="default", **kwargs):
    """After every migrate (and every flush of a test database): the version moves, and the
    postcode districts are loaded from the shipped table when they are not there yet."""
    if sender.name == "organisations":
        from .near import districts

        districts.sync(using=using)
        directory_changed(using=using)
