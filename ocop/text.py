"""Text normalisation shared by inputs, keys and documents."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """NFC form with surrounding spaces trimmed and inner runs of spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Key for matching headers and names: NFC, case-folded, single spaces, no edge spaces."""
    return nfc(value).casefold()


def ascii_key(value: str) -> str:
    """Diacritics removed, lowercase, words joined by underscores: 'Mã sản phẩm' -> 'ma_san_pham'."""
    text = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
