from rest_framework.response import Response

from core.api.pagination import StandardPagination


class OpenDataPagination(StandardPagination):
    """Pages of 50 by default, `?page_size=` up to 500. The total and the next and previous pages are also sent as
    headers (X-Total-Count, Link), which is where a CSV export finds them."""

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        response["X-Total-Count"] = str(self.page.paginator.count)
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((self.get_next_link(), "next"), (self.get_previous_link(), "prev"))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response
