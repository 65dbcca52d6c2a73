"""Bounded pages of a list: the size is capped and no page parameter breaks the page."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from kam.accounts.models import Account
from kam.core.paging import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    page_context,
    page_links,
    page_of,
    page_request,
    page_size,
    without_page,
)
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("asked", "size"),
    [
        (None, PAGE_SIZE),
        ("10", 10),
        ("100000", MAX_PAGE_SIZE),
        ("0", 1),
        ("-5", 1),
        ("x", PAGE_SIZE),
    ],
)
def test_the_page_size_is_bounded(asked, size) -> None:
    assert page_size(asked) == size


@pytest.mark.parametrize(
    ("asked", "number"),
    [(None, 1), ("2", 2), ("999", 3), ("0", 3), ("-1", 3), ("abc", 1), ("1e9", 1)],
)
def test_any_page_number_lands_on_a_real_page(asked, number) -> None:
    AccountFactory.create_batch(5)

    page = page_of(Account.objects.order_by("code"), page=asked, per_page="2")

    assert page.number == number
    assert 1 <= len(page.object_list) <= 2


def test_page_links_keep_the_filters_and_elide_the_middle() -> None:
    AccountFactory.create_batch(30)
    page = page_of(Account.objects.order_by("code"), page="15", per_page="1")

    links = page_links(page, QueryDict("status=customer&sort=-name"))

    numbers = [link.number for link in links]
    assert numbers[:2] == [1, None] and numbers[-2:] == [None, 30]
    assert [link.number for link in links if link.current] == [15]
    assert all(
        "status=customer" in link.query and "sort=-name" in link.query
        for link in links
        if link.number
    )


def test_the_page_context_keeps_filters_and_sort_but_not_the_page(director) -> None:
    # Given a list asked for page 2 with a filter, a sort and a page size
    for index in range(5):
        AccountFactory(code=f"P{index}")
    query = QueryDict("q=P&sort=-code&page=2&per_page=2")
    page = page_of(Account.objects.order_by("code"), **page_request(query))

    # When the pager's context is built
    context = page_context(page, query)

    # Then it is page 2 of 3, the links keep the filters, sort and size, and the query string
    # a new sort starts from has no page number
    assert context["page"].number == 2
    assert [link.number for link in context["page_links"]] == [1, 2, 3]
    assert all("q=P" in link.query and "sort=-code" in link.query for link in context["page_links"])
    assert "per_page=2" in context["page_links"][0].query
    assert context["query"] == "q=P&sort=-code&per_page=2"
    assert "page" not in without_page(query)
