"""Search keys for Chinese names: simplified characters and pinyin initials.

A name is stored with its simplified form (OpenCC t2s) and its pinyin initials
(pypinyin), so 陳 is found by 陈 and 张三 by ``zs``.
"""
from functools import cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin


@cache
def _t2s():
    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert((text or "").strip())


def pinyin_initials(text: str) -> str:
    letters = lazy_pinyin(simplified(text), style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters).lower()


def full_pinyin(text: str) -> str:
    return "".join(lazy_pinyin(simplified(text), errors="ignore")).lower()


def is_latin_query(text: str) -> bool:
    return bool(text) and all(c.isascii() and c.isalpha() for c in text)
