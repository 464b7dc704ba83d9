"""The pure policy: roles, province scope in both eras, personal data (no database)."""

from __future__ import annotations

import pytest

from service.auth import (
    ANONYMOUS,
    Forbidden,
    Principal,
    Unauthorized,
    can_read_personal,
    require_admin,
    require_write,
)

# A province_editor given 02 (Hà Giang, pre-2025), which became part of 08 (post-2025).
PE = Principal(
    user="pe",
    role="province_editor",
    provinces=frozenset({"02"}),
    scope=frozenset({("pre2025", "02"), ("post2025", "08")}),
)
EDITOR = Principal(user="ed", role="editor")
ANALYST = Principal(user="ana", role="analyst")
ADMIN = Principal(user="adm", role="admin")


def test_anonymous_is_told_to_sign_in() -> None:
    with pytest.raises(Unauthorized) as err:
        require_write(ANONYMOUS, [("post2025", "08")])
    assert err.value.headers["WWW-Authenticate"].startswith("Bearer")
    with pytest.raises(Unauthorized):
        require_admin(ANONYMOUS)
    assert not can_read_personal(ANONYMOUS)


def test_analyst_reads_personal_but_never_writes() -> None:
    assert can_read_personal(ANALYST)
    with pytest.raises(Forbidden, match="role analyst"):
        require_write(ANALYST, [("post2025", "08")])


@pytest.mark.parametrize("where", [[("pre2025", "02")], [("post2025", "08")]])
def test_province_editor_writes_in_its_provinces_in_either_era(where: list) -> None:
    require_write(PE, where)
    assert can_read_personal(PE, where)


@pytest.mark.parametrize(
    "where",
    [
        [("pre2025", "04")],
        [("post2025", "04")],
        [("pre2025", "08")],  # old Tuyên Quang was never Hà Giang
        [("pre2025", "02"), ("post2025", "04")],  # a move out of its provinces
        [],  # an item with no province
    ],
)
def test_province_editor_is_refused_outside(where: list) -> None:
    with pytest.raises(Forbidden, match="pe may write only in provinces 02"):
        require_write(PE, where)
    assert not can_read_personal(PE, where)
    assert not can_read_personal(PE)  # a list across provinces must be filtered instead


def test_editor_and_admin_write_everywhere_only_admin_administers() -> None:
    for p in (EDITOR, ADMIN):
        require_write(p, [("pre2025", "04")])
        require_write(p, [])
    require_admin(ADMIN)
    for p in (EDITOR, ANALYST, PE):
        with pytest.raises(Forbidden):
            require_admin(p)
