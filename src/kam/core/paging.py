"""Server-side paging of list pages: a bounded page of a queryset, whatever the query says.

Bad or out-of-range page numbers land on a real page (the first or the last) and a page size
beyond the cap is cut to it, so no query string can ask for every row or answer a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size(value: str | None, default: int = PAGE_SIZE) -> int:
    """The `per_page` parameter as a size between 1 and MAX_PAGE_SIZE (the default when it is
    missing or not a number)."""
    try:
        size = int(value) if value is not None else default
    except ValueError:
        size = default
    return max(1, min(size, MAX_PAGE_SIZE))


def page_of(queryset: QuerySet[Any], *, page: str | None, per_page: str | None = None) -> Page:
    """One bounded page of `queryset` (already scoped and ordered by its selector)."""
    return Paginator(queryset, page_size(per_page)).get_page(page)


@dataclass(frozen=True)
class PageLink:
    """One link of a pager: the page's number (None for the gap "…") and its query string."""

    number: int | None
    query: str
    current: bool = False


def page_links(page: Page, query: QueryDict) -> list[PageLink]:
    """The pager's links around the current page, each keeping the filters and sort of `query`
    (a QueryDict without `page`)."""
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if not isinstance(number, int):
            links.append(PageLink(None, ""))
            continue
        params = query.copy()
        params["page"] = str(number)
        links.append(PageLink(number, params.urlencode(), number == page.number))
    return links


def without_page(query: QueryDict) -> QueryDict:
    """The list's query string without its page number: what a new sort, a filter or a pager
    link starts from (a new sort or filter starts again at the first page)."""
    rest = query.copy()
    rest.pop("page", None)
    return rest


class PageRequest(TypedDict):
    page: str | None
    per_page: str | None


def page_request(query: QueryDict) -> PageRequest:
    """The page number and size a list page was asked for, as its selector takes them
    (`page_of` bounds both)."""
    return {"page": query.get("page"), "per_page": query.get("per_page")}


def page_context(page: Page, query: QueryDict) -> dict[str, Any]:
    """What web/_pager.html and a list's template need: the page, its links (keeping the
    filters and sort of `query`) and the query string without the page."""
    rest = without_page(query)
    return {"page": page, "page_links": page_links(page, rest), "query": rest.urlencode()}
