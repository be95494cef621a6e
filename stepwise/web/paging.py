"""Split a long list into pages for the shared GOV.UK pagination template (_pagination.html)."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(
    request: HttpRequest, items: list[Any] | QuerySet[Any], per_page: int
) -> dict[str, Any]:
    """Return the context `_pagination.html` needs: the page asked for and its page range."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page_range = (
        list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        if paginator.num_pages > 1
        else []
    )
    return {"page": page, "page_range": page_range}
