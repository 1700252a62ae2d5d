"""Japan's 47 prefectures in their eight traditional regions: pure data for the address mask
(PREFECTURE_ONLY) and for research's coarser step, the region (P5.F)."""

from __future__ import annotations

from collections.abc import Mapping

REGIONS: Mapping[str, tuple[str, ...]] = {
    "北海道地方": ("北海道",),
    "東北地方": ("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"),
    "関東地方": ("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"),
    "中部地方": (
        "新潟県",
        "富山県",
        "石川県",
        "福井県",
        "山梨県",
        "長野県",
        "岐阜県",
        "静岡県",
        "愛知県",
    ),
    "近畿地方": ("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"),
    "中国地方": ("鳥取県", "島根県", "岡山県", "広島県", "山口県"),
    "四国地方": ("徳島県", "香川県", "愛媛県", "高知県"),
    "九州・沖縄地方": (
        "福岡県",
        "佐賀県",
        "長崎県",
        "熊本県",
        "大分県",
        "宮崎県",
        "鹿児島県",
        "沖縄県",
    ),
}

# In the usual (JIS X 0401) order; no name is a prefix of another, so order never matters.
PREFECTURES: tuple[str, ...] = tuple(p for members in REGIONS.values() for p in members)

REGION_OF: Mapping[str, str] = {p: region for region, members in REGIONS.items() for p in members}
