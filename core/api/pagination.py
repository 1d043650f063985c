from rest_framework.pagination import PageNumberPagination

from core.pages import KeysFirstPaginator


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysFirstPagination(StandardPagination):
    """StandardPagination reading a page's keys first, then its rows (core.pages.KeysFirstPaginator): for a list
    whose rows carry correlated subqueries or prefetches, so a deep page costs what a first one does."""

    django_paginator_class = KeysFirstPaginator
