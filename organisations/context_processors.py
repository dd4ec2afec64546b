from django.conf import settings


def site(request):
    """What every page's header needs: where "Leave this site" goes."""
    return {"quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL}
