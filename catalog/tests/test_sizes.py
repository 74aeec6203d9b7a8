"""The order sizes are listed in: letters, then numbered sizes by number, then other words."""

import random

import pytest

from catalog.sizes import size_sort_key, sorted_sizes


def in_order(sizes):
    shuffled = list(sizes)
    random.Random(7).shuffle(shuffled)
    return sorted(shuffled, key=size_sort_key)


@pytest.mark.parametrize(
    "expected",
    [
        ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"],
        ["US 7", "US 8", "US 9", "US 10", "US 11", "US 12"],
        ["2Y", "4Y", "6Y", "8Y", "10Y", "12Y"],
        ["6", "7", "7.5", "8", "10", "10,5", "11"],
        ["36", "38", "40", "42", "44", "46"],
        ["EU 39", "EU 40", "EU 41", "EU 42", "EU 43", "EU 44"],
        ["28/30", "30/30", "30/32", "32/32", "32/34"],
    ],
    ids=["letters", "us-shoes", "kids-years", "decimals", "numbers", "eu-shoes", "waist-length"],
)
def test_sizes_of_one_system_sort_as_shoppers_expect(expected):
    assert in_order(expected) == expected


def test_letter_sizes_ignore_case_and_spaces_and_read_2xl_as_xxl():
    assert in_order(["xl", " m ", "2XL", "s", "XS"]) == ["XS", "s", " m ", "xl", "2XL"]


def test_paired_letter_sizes_sit_by_their_first_letter():
    assert in_order(["L/XL", "S/M", "M", "S", "XS/S"]) == ["XS/S", "S", "S/M", "M", "L/XL"]


def test_letters_come_before_one_size_before_numbers_before_unknown_words():
    sizes = ["Petite", "42", "ONE SIZE", "M", "Big", "US 7", "XS", "tall"]

    assert in_order(sizes) == ["XS", "M", "ONE SIZE", "42", "US 7", "Big", "Petite", "tall"]


def test_unknown_words_sort_alphabetically_without_regard_to_case():
    assert in_order(["regular", "Long", "short", "Extra"]) == ["Extra", "Long", "regular", "short"]


@pytest.mark.parametrize("size", ["", " ", "½", "US", "10..5", "-", "/", "XL/", "💥", "9" * 60])
def test_any_string_gets_a_key_without_error(size):
    assert isinstance(size_sort_key(size), tuple)
    in_order([size, "M", "42", "Tall"])


def test_sorted_sizes_lists_each_size_once():
    assert sorted_sizes(["L", "S", "L", "M", "S"]) == ["S", "M", "L"]
