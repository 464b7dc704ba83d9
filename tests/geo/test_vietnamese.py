"""Search keys of Vietnamese names: folding, unit words, old and new tone placement."""

from __future__ import annotations

import unicodedata

import pytest

from geo.vietnamese import bare_name, clean_query, fold, tone_key


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("oá", "óa"),
        ("uý", "úy"),
        ("oè", "òe"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Gia Thuỵ", "Gia Thụy"),
        ("HOÀ", "hòa"),
    ],
)
def test_old_and_new_tone_placement_have_one_key(old: str, new: str) -> None:
    assert tone_key(old) == tone_key(new)
    assert fold(old) == fold(new)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Đồng Văn", "Đông Văn"),
        ("Yên Phụ", "Yên Phú"),
        ("Việt Hưng", "Việt Hùng"),
        ("Gia Thụy", "Gia Thủy"),
    ],
)
def test_different_tone_marks_keep_different_keys(a: str, b: str) -> None:
    assert tone_key(a) != tone_key(b)
    assert fold(a) == fold(b)


@pytest.mark.parametrize("word", ["hoàng", "quý", "ngoài", "khuya", "hoàn", "thuyền", "toả"])
def test_unambiguous_words_keep_their_tone(word: str) -> None:
    assert tone_key(word) == word


def test_tone_key_is_nfc_whatever_the_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà Bình")
    assert tone_key(decomposed) == unicodedata.normalize("NFC", "hoà bình")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Xã Lũng Cú", "xa lung cu"),
        ("Đồng Văn", "dong van"),
        ("đắk lắk", "dak lak"),
        ("Ưu Ơn Ăn Ân Êm Ôm", "uu on an an em om"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Xã Lũng Cú", "Lũng Cú"),
        ("Thị trấn Đồng Văn", "Đồng Văn"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Tỉnh Tây Ninh", "Tây Ninh"),
        ("Đặc khu Phú Quốc", "Phú Quốc"),
        ("Phường 14", "14"),
        ("Xuân Xã", "Xuân Xã"),  # only a leading unit word goes
    ],
)
def test_bare_name(name: str, bare: str) -> None:
    assert bare_name(name) == bare


def test_clean_query() -> None:
    assert clean_query("  lung \t  cu ") == "lung cu"
