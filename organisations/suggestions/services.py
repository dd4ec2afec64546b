"""Writes: handling suggestions in bulk, and deleting old ones (the privacy page's promise)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from organisations.services import bulk_change

from .models import Suggestion


def handle(suggestions, user, status):
    """Mark ``suggestions`` accepted or rejected, by ``user`` now. Nothing is published: an
    editor makes any change to a listing themselves."""
    changes = {"status": status, "handled_by": user, "handled_at": timezone.now()}
    return bulk_change(suggestions, user, changes, ["Status", "Handled by", "Handled at"])


def accept(suggestions, user):
    return handle(suggestions, user, Suggestion.Status.ACCEPTED)


def reject(suggestions, user):
    return handle(suggestions, user, Suggestion.Status.REJECTED)


def purge(days=None):
    """Delete suggestions older than ``days`` (``DIRECTORY_SUGGESTIONS_KEEP_DAYS``); how many."""
    if days is None:
        days = settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    _total, by_model = Suggestion.objects.filter(created_at__lt=cutoff).delete()
    return by_model.get(Suggestion._meta.label, 0)
