from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Page-number pagination; clients choose `page_size` up to a maximum."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
