"""The portal's URLs plus the baseline: the recommendations page of the list endpoint, as bare
`.values()` rows in a `JsonResponse` — what the list would cost with no framework on top."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import include, path

from collaboration.models import Recommendation

PAGE_SIZE = 25


@login_not_required
def baseline_recommendations(request):
    rows = list(
        Recommendation.objects.filter(archived_at__isnull=True)
        .order_by("-updated_at", "-pk")
        .values(
            "id", "title", "summary", "status", "revision", "version", "created_at", "updated_at"
        )[:PAGE_SIZE]
    )
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns = [
    path("bench/baseline/recommendations/", baseline_recommendations, name="bench-baseline"),
    path("", include("portal.urls")),
]
