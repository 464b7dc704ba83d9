"""service.routes.signin_text: every word of the sign-in page, Vietnamese first, English too.

One place for these strings until the app-wide message catalogue takes them over.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

TEXT: dict[str, dict[Lang, str]] = {
    "title": {"vi": "Đăng nhập", "en": "Sign in"},
    "name": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "signed_in_as": {"vi": "Đang đăng nhập với tên", "en": "Signed in as"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "other_lang": {"vi": "English", "en": "Tiếng Việt"},
    "failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "Wrong user name or password.",
    },
    "throttled": {
        "vi": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây.",
        "en": "Too many failed sign-ins. Please try again in {seconds} seconds.",
    },
    "missing": {
        "vi": "Vui lòng nhập tên đăng nhập và mật khẩu.",
        "en": "Please enter your user name and password.",
    },
    "expired_form": {
        "vi": "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.",
        "en": "The form has expired. Please sign in again.",
    },
    "signed_out": {"vi": "Đã đăng xuất.", "en": "You are signed out."},
}


def lang_of(value: str | None) -> Lang:
    """``en`` when asked for, else Vietnamese."""
    return "en" if value == "en" else "vi"


def texts(lang: Lang) -> dict[str, str]:
    """Every string of the page in ``lang``."""
    return {key: both[lang] for key, both in TEXT.items()}
