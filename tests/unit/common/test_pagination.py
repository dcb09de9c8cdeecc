import math

import pytest

from services.common.pagination import offset, page_meta


def test_a_page_meta_names_the_page_the_limit_the_total_and_the_pages():
    assert page_meta(2, 20, 41) == {"page": 2, "limit": 20, "total": 41, "total_pages": 3}


def test_nothing_to_list_is_zero_pages():
    assert page_meta(1, 20, 0)["total_pages"] == 0


def test_a_total_that_fills_its_pages_exactly_has_no_extra_page():
    assert page_meta(1, 20, 40)["total_pages"] == 2
    assert page_meta(1, 1, 7)["total_pages"] == 7


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 20, 99, 100])
@pytest.mark.parametrize("total", [*range(0, 121), 10_000 * 100, 2**53 + 1])
def test_pages_agree_with_every_formula_the_services_used_before(total, limit):
    pages = page_meta(1, limit, total)["total_pages"]
    assert pages == (total + limit - 1) // limit
    if total < 2**53:  # the float division the accounts and orders lists used is exact there
        assert pages == (math.ceil(total / limit) if total else 0)


def test_totals_beyond_float_precision_still_count_pages_exactly():
    assert page_meta(1, 1, 2**53 + 1)["total_pages"] == 2**53 + 1


def test_the_first_page_starts_at_the_first_row_and_each_next_one_a_limit_later():
    assert offset(1, 20) == 0
    assert offset(2, 20) == 20
    assert offset(10_000, 100) == 999_900
