"""Content negotiation that reads `?format=` as strictly as the schema states it.

DRF ignores an empty `?format=` and answers in the default format; an unknown format is 404
(DRF's own answer, kept). An empty one is now 404 too: the schema's enum has no "".
"""

from typing import Any

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class StrictContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and request.query_params.get(name) == "":
            raise Http404
        return super().select_renderer(request, renderers, format_suffix)
