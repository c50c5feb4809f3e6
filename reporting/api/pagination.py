"""Cursor pagination on every list: pages stay whole while rows are added,
and a page costs the same however deep it lies."""

from django.conf import settings
from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Ordered by a unique column that never changes, so that walking the
    pages meets every row once. Views set ``ordering`` to ``public_id`` or,
    for rows without one, ``id``."""

    ordering = "public_id"
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
