"""One page of a list with its count, the same on every list page.

``paginate(request, rows)`` takes a queryset (or a list already in memory) and answers the context a list page
renders with ``{% include "core/_list_count.html" %}`` above the list and ``{% include "core/_pagination.html" %}``
below it: the page's rows, where they start and end, the links to the pages either side, and the total.

A queryset costs one query for the page (``PAGE_SIZE + 1`` rows, so the next page is known without counting) and a
second, bounded one for the total only when the page is full: the count stops at ``cap`` (then ``total_capped``),
so a province-wide list never counts millions of rows.
"""
from django.conf import settings

# Lists are counted up to this many rows; beyond it the page says "more than".
COUNT_CAP = 10_000


def page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def capped_count(queryset, cap: int) -> int:
    """At most ``cap + 1``: one bounded subquery, whatever the size of the list."""
    if queryset._fields is None:  # rows of values() (a grouped list) take no select_related
        queryset = queryset.select_related(None)
    return queryset.order_by()[: cap + 1].count()


def paginate(request, rows, *, size: int | None = None, cap: int = COUNT_CAP) -> dict:
    size = size or settings.PAGE_SIZE
    number = page_number(request)
    offset = (number - 1) * size
    if isinstance(rows, list | tuple):
        page = list(rows[offset: offset + size + 1])
        total = len(rows)
    else:
        page = list(rows[offset: offset + size + 1])
        total = None
        if len(page) <= size and (page or number == 1):
            total = offset + len(page)  # the last page: the total is known without counting
        else:
            total = capped_count(rows, cap)
    query = request.GET.copy()
    query.pop("page", None)
    shown = page[:size]
    return {
        "rows": shown,
        "total": min(total, cap),
        "total_capped": total > cap,
        "first_row": offset + 1,
        "last_row": offset + len(shown),
        "page_number": number,
        "page_size": size,
        "has_previous": number > 1,
        "has_next": len(page) > size,
        "query_string": query.urlencode(),
    }
