from django.conf import settings


def portal(request):
    """Values every page's layout needs."""
    return {"region_data_credit": settings.REGION_DATA_CREDIT}
