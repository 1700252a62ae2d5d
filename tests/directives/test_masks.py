"""Mask strategies: worked examples for each, and a property-style sweep over varied values
showing that no strategy reveals more of a value than its name says.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest

from directives.masks import apply_mask
from directives.vocabulary import MaskStrategy

S = MaskStrategy

# The 47 prefectures: all that PREFECTURE_ONLY may ever reveal of an address.
_PREFECTURE_NAMES = """
北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都
神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府
大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県
福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県
"""
PREFECTURES: frozenset[str] = frozenset(_PREFECTURE_NAMES.split())

EXAMPLES = [
    # NAME_INITIALS: first character of each word.
    (S.NAME_INITIALS, "鈴木 花子", "鈴* 花*"),
    (S.NAME_INITIALS, "スズキ ハナコ", "ス** ハ**"),
    (S.NAME_INITIALS, "鈴木花子", "鈴***"),
    (S.NAME_INITIALS, "Madonna", "M******"),
    (S.NAME_INITIALS, "Mary Jane Watson", "M*** J*** W*****"),
    # DATE_YEAR_ONLY: the year of an ISO date, nothing of anything else.
    (S.DATE_YEAR_ONLY, "1980-04-12", "1980-**-**"),
    (S.DATE_YEAR_ONLY, "garbage", "****-**-**"),
    (S.DATE_YEAR_ONLY, "1980/04/12", "****-**-**"),
    (S.DATE_YEAR_ONLY, "昭和55年4月12日", "****-**-**"),
    # POSTAL_PREFIX: the first three digits of a seven-digit code.
    (S.POSTAL_PREFIX, "150-0043", "150-****"),
    (S.POSTAL_PREFIX, "1500043", "150-****"),
    (S.POSTAL_PREFIX, "〒150-0043", "150-****"),
    (S.POSTAL_PREFIX, "garbage", "***-****"),
    (S.POSTAL_PREFIX, "150-004", "***-****"),
    # PREFECTURE_ONLY: the prefecture, then nothing of the rest.
    (S.PREFECTURE_ONLY, "東京都渋谷区道玄坂1-2-3", "東京都 ***"),
    (S.PREFECTURE_ONLY, "北海道札幌市中央区北1条西2丁目", "北海道 ***"),
    (S.PREFECTURE_ONLY, "大阪府大阪市北区梅田1-1-1", "大阪府 ***"),
    (S.PREFECTURE_ONLY, "京都府京都市中京区寺町通", "京都府 ***"),
    (S.PREFECTURE_ONLY, "神奈川県横浜市西区みなとみらい2-2-1", "神奈川県 ***"),
    (S.PREFECTURE_ONLY, "和歌山県和歌山市一番丁1", "和歌山県 ***"),
    # SHOW_LAST_4: the last four digits, only when at least as many stay hidden.
    (S.SHOW_LAST_4, "090-1234-5678", "*******5678"),
    (S.SHOW_LAST_4, "03-1234-5678", "******5678"),
    (S.SHOW_LAST_4, "1234567", "*******"),
    (S.SHOW_LAST_4, "12345678", "********"),
    (S.SHOW_LAST_4, "1234", "****"),
    (S.SHOW_LAST_4, "12", "**"),
    # SHOW_LAST_2: the last two digits, only when at least as many stay hidden.
    (S.SHOW_LAST_2, "1234567", "*****67"),
    (S.SHOW_LAST_2, "0001230", "*****30"),
    (S.SHOW_LAST_2, "090-1234-5678", "*********78"),
    (S.SHOW_LAST_2, "1234", "****"),
    (S.SHOW_LAST_2, "123", "***"),
    (S.SHOW_LAST_2, "7", "*"),
    # EMAIL_MASK: first character of the local part, a fixed-length filler, the domain.
    (S.EMAIL_MASK, "taro@example.com", "t***@example.com"),
    (S.EMAIL_MASK, "hanako.suzuki+crm@mail.example", "h***@mail.example"),
    (S.EMAIL_MASK, "a@example.co.jp", "a***@example.co.jp"),  # filler hides the local length
    (S.EMAIL_MASK, "not-an-email", "***"),
    (S.EMAIL_MASK, "@example.com", "***"),
    # REDACT: nothing at all.
    (S.REDACT, "鈴木 花子", "[REDACTED]"),
    (S.REDACT, "090-1234-5678", "[REDACTED]"),
]


@pytest.mark.parametrize(
    ("strategy", "value", "masked"),
    [pytest.param(s, v, m, id=f"{s}-{v}") for s, v, m in EXAMPLES],
)
def test_example(strategy: MaskStrategy, value: str, masked: str) -> None:
    assert apply_mask(strategy, value) == masked


@pytest.mark.parametrize(
    "address",
    ["渋谷区道玄坂1-2-3", "京都市中京区寺町通", "松本市県3丁目1-1"],
)
def test_address_without_prefecture_reveals_nothing(address: str) -> None:
    """No prefecture to show: no character of the address may come back (松本市県 is a town)."""
    masked = apply_mask(S.PREFECTURE_ONLY, address)
    assert masked is not None
    assert "*" in masked
    assert set(masked) & set(address) == set()


@pytest.mark.parametrize("strategy", list(MaskStrategy))
@pytest.mark.parametrize("value", [None, ""])
def test_nothing_to_hide_passes_through(strategy: MaskStrategy, value: str | None) -> None:
    assert apply_mask(strategy, value) == value


# --- property-style: what each strategy may reveal ---------------------------------------------

SAMPLES = [
    # names
    "鈴木 花子",
    "鈴木　花子",  # full-width space
    "佐藤太郎",
    "スズキ ハナコ",
    "ヤマダシヨウジ",
    "山田商事株式会社",
    "李 明",
    "John Smith",
    "Mary Jane Watson",
    "Madonna",
    # dates
    "1980-04-12",
    "2000-12-31",
    "昭和55年4月12日",
    "12/04/1980",
    # postal codes
    "150-0043",
    "1500043",
    "〒100-0001",
    # addresses
    "東京都渋谷区道玄坂1-2-3",
    "北海道札幌市中央区北1条西2丁目",
    "大阪府大阪市北区梅田1-1-1",
    "京都府京都市中京区寺町通",
    "神奈川県横浜市西区みなとみらい2-2-1",
    "鹿児島県鹿児島市山下町11-1",
    "渋谷区道玄坂1-2-3",
    "松本市県3丁目1-1",
    # phone, fax, bank accounts
    "090-1234-5678",
    "03-9876-5432",
    "+81 90 1234 5678",
    "０９０－１２３４－５６７８",
    "1234567",
    "0001230",
    # e-mail
    "taro@example.com",
    "a@example.co.jp",
    "hanako.suzuki+crm@mail.example",
    "not-an-email",
    # short and odd
    "12",
    "x",
]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _shown(masked: str, filler: str) -> str:
    return "".join(ch for ch in masked if ch not in filler)


def _reveals_initials_only(value: str, masked: str) -> None:
    initials = Counter(word[0] for word in value.split())
    assert Counter(_shown(masked, "* ")) <= initials


def _reveals_year_only(value: str, masked: str) -> None:
    shown = _shown(masked, "*-")
    assert shown == "" or (re.fullmatch(r"\d{4}", shown) and value.startswith(shown))


def _reveals_postal_prefix_only(value: str, masked: str) -> None:
    shown = _shown(masked, "*-")
    assert len(shown) <= 3
    assert _digits(value).startswith(shown)


def _reveals_prefecture_only(value: str, masked: str) -> None:
    shown = _shown(masked, "* ")
    assert shown == "" or (shown in PREFECTURES and value.startswith(shown))


def _reveals_last(count: int) -> Callable[[str, str], None]:
    def check(value: str, masked: str) -> None:
        shown = _shown(masked, "*")
        assert len(shown) <= count
        assert shown == _digits(shown)
        assert _digits(value).endswith(shown)

    return check


def _reveals_email_initial_and_domain(value: str, masked: str) -> None:
    if masked == "***":
        return
    head, filler, domain = masked.partition("***@")
    assert filler
    assert len(head) <= 1 and value.startswith(head)
    assert domain == value.rpartition("@")[2]


def _reveals_nothing(value: str, masked: str) -> None:
    assert masked == "[REDACTED]"


REVEALS: dict[MaskStrategy, Callable[[str, str], None]] = {
    S.NAME_INITIALS: _reveals_initials_only,
    S.DATE_YEAR_ONLY: _reveals_year_only,
    S.POSTAL_PREFIX: _reveals_postal_prefix_only,
    S.PREFECTURE_ONLY: _reveals_prefecture_only,
    S.SHOW_LAST_4: _reveals_last(4),
    S.SHOW_LAST_2: _reveals_last(2),
    S.EMAIL_MASK: _reveals_email_initial_and_domain,
    S.REDACT: _reveals_nothing,
}


def test_every_strategy_has_a_reveal_check() -> None:
    assert set(REVEALS) == set(MaskStrategy)


@pytest.mark.parametrize("strategy", list(MaskStrategy))
@pytest.mark.parametrize("value", SAMPLES)
def test_mask_reveals_no_more_than_its_name(strategy: MaskStrategy, value: str) -> None:
    masked = apply_mask(strategy, value)
    assert masked is not None
    if len(value) > 4:
        assert value not in masked
    REVEALS[strategy](value, masked)


# --- coarser forms: masks are idempotent and never undo a generalisation (research, P5.F) -----

COARSE = [
    (S.DATE_YEAR_ONLY, ["1980-**-**", "198*-**-**", "19**-**-**", "1***-**-**", "****-**-**"]),
    (S.POSTAL_PREFIX, ["150-****", "15*-****", "1**-****", "***-****"]),
    (
        S.PREFECTURE_ONLY,
        ["東京都 ***", "関東地方 ***", "九州・沖縄地方 ***", "北海道地方 ***", " ***"],
    ),
]
NOT_COARSE = [
    # Look like a coarse form but show something the mask would not: masked again.
    (S.DATE_YEAR_ONLY, "1980-0*-**", "****-**-**"),
    (S.DATE_YEAR_ONLY, "1*80-**-**", "****-**-**"),
    (S.DATE_YEAR_ONLY, "198*-04-12", "****-**-**"),
    (S.POSTAL_PREFIX, "1*0-****", "***-****"),
    (S.POSTAL_PREFIX, "150-0***", "***-****"),
    (S.PREFECTURE_ONLY, "関東地方渋谷区 ***", " ***"),
    (S.PREFECTURE_ONLY, "渋谷区 ***", " ***"),
]


@pytest.mark.parametrize(("strategy", "values"), COARSE)
def test_a_coarser_form_of_a_mask_passes_it_unchanged(
    strategy: MaskStrategy, values: list[str]
) -> None:
    for value in values:
        assert apply_mask(strategy, value) == value


@pytest.mark.parametrize(("strategy", "value", "masked"), NOT_COARSE)
def test_a_form_showing_more_than_the_mask_is_masked_again(
    strategy: MaskStrategy, value: str, masked: str
) -> None:
    assert apply_mask(strategy, value) == masked


@pytest.mark.parametrize("strategy", [S.DATE_YEAR_ONLY, S.POSTAL_PREFIX, S.PREFECTURE_ONLY])
@pytest.mark.parametrize("value", SAMPLES)
def test_masking_twice_is_masking_once(strategy: MaskStrategy, value: str) -> None:
    once = apply_mask(strategy, value)
    assert apply_mask(strategy, once) == once


@pytest.mark.parametrize("prefecture", sorted(PREFECTURES))
def test_each_prefecture_is_found_whatever_follows(prefecture: str) -> None:
    """The prefecture is looked up by its length (3 or 4 characters): every one of the 47 is
    found, alone or before any rest, and a value that only begins like one is not."""
    for rest in ("", "渋谷区1-2-3", "県", "都", "市役所", " ", "1"):
        assert apply_mask(S.PREFECTURE_ONLY, prefecture + rest) == f"{prefecture} ***"
    for partial in (prefecture[:2], prefecture[:-1] + "市", "旧" + prefecture):
        assert apply_mask(S.PREFECTURE_ONLY, partial) == " ***"
