"""Text normalisation shared by inputs, keys and documents."""

from __future__ import annotations

import re
import unicodedata


def nfc(value: str) -> str:
    """NFC form with surrounding spaces trimmed and inner runs of spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", value).split())  # split(): the runs \s+ matches, edges dropped


def fold(value: str) -> str:
    """Key for matching headers and names: NFC, case-folded, single spaces, no edge spaces."""
    return nfc(value).casefold()


def ascii_key(value: str) -> str:
    """Diacritics removed, lowercase, words joined by underscores: 'Mã sản phẩm' -> 'ma_san_pham'."""
    text = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")



# Characters no input may hold (the one rule, for every reader): C0 controls other than tab and the
# line breaks, DEL, C1 controls, lone surrogates and Unicode noncharacters (U+FDD0–U+FDEF and the
# last two code points of every plane; the renderer uses two of them to keep values apart from tags).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                        + "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
                        + "]")


def forbidden_character(value: str) -> str | None:
    """The first character of ``value`` no input may hold, or None."""
    m = _FORBIDDEN.search(value)
    return m.group() if m else None
