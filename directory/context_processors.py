from django.conf import settings


def site(request):
    """What every page's header needs: where "Leave this site" goes; and for the privacy page, how
    long suggestions are kept."""
    return {
        "quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL,
        "suggestions_keep_days": settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS,
    }
