"""service.commands.accounts: ``bordermap user ...`` and ``bordermap token ...`` (accounts on the server).

- ``user create NAME --role ROLE [--province CODE ...] [--password-stdin]``: the password
  is asked twice on a terminal, or read from the first line of standard input; without
  either (a script) the user gets no password and can use tokens only.
- ``user list``, ``user disable NAME``, ``user set-password NAME [--password-stdin]``.
- ``token create --user NAME [--label L] [--expires-days N]``: prints the token once, as
  the last line; only its SHA-256 is stored. ``token list [--user NAME]``, ``token revoke ID``.

Whoever can run these on the server can reach the database, so they need no sign-in; each
change is audited with the OS user (``via = cli``) and ``--as NAME`` when given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from typing import Any

from service.auth.roles import ROLES
from service.settings import Settings


def register(sub: argparse._SubParsersAction, handlers: dict[str, Any]) -> None:
    """Add the ``user`` and ``token`` sub-commands."""
    user = sub.add_parser("user", help="accounts: create, list, disable, set a password")
    user.add_argument("--as", dest="as_user", help="your user name, for the audit")
    actions = user.add_subparsers(dest="action", required=True)
    p = actions.add_parser("create", help="create a user")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument(
        "--province",
        action="append",
        default=[],
        metavar="CODE",
        help="a province code (either era) a province_editor may write in; repeatable",
    )
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    actions.add_parser("list", help="list users")
    p = actions.add_parser("disable", help="disable a user (sessions and tokens stop)")
    p.add_argument("name")
    p = actions.add_parser("set-password", help="set a user's password (ends its sessions)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    handlers["user"] = _user

    token = sub.add_parser("token", help="bearer tokens for scripts and GIS clients")
    token.add_argument("--as", dest="as_user", help="your user name, for the audit")
    actions = token.add_subparsers(dest="action", required=True)
    p = actions.add_parser("create", help="create a token; printed once, as the last line")
    p.add_argument("--user", required=True)
    p.add_argument("--label", help="what the token is for, e.g. qgis-laptop")
    p.add_argument("--expires-days", type=int, help="valid this many days (default: until revoked)")
    p = actions.add_parser("list", help="list tokens (never the tokens themselves)")
    p.add_argument("--user")
    p = actions.add_parser("revoke", help="revoke a token by its id (see token list)")
    p.add_argument("id", type=int)
    handlers["token"] = _token


def _read_password(args: argparse.Namespace, *, required: bool) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise ValueError("no password on standard input")
        return line
    if not sys.stdin.isatty():
        if required:
            raise ValueError("no terminal to ask the password on: use --password-stdin")
        return None
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the two passwords differ")
    return first


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _run(settings: Settings, work: Callable[[Any], int]) -> int:
    """Run ``work(connection)`` in one transaction; a ValueError is one line on stderr."""
    from service.db.engine import make_engine

    engine = make_engine(settings)
    try:
        with engine.begin() as conn:
            return work(conn)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _user(args: argparse.Namespace, settings: Settings) -> int:
    from service.auth.principal import command_principal
    from service.db import account_admin, accounts

    actor = command_principal("cli", args.as_user)

    def work(conn: Any) -> int:
        if args.action == "create":
            password = _read_password(args, required=False)
            user = account_admin.create_user(
                conn,
                actor,
                name=args.name,
                role=args.role,
                provinces=args.province,
                password=password,
            )
            where = f" in provinces {', '.join(user.provinces)}" if user.provinces else ""
            print(f"created user {user.name} ({user.role}{where})")
            if password is None:
                print("no password: tokens only until `bordermap user set-password` gives one")
        elif args.action == "list":
            print("name\trole\tprovinces\tstatus\tcreated")
            for u in accounts.list_users(conn):
                status = "disabled" if u.disabled else "active"
                provinces = ",".join(u.provinces) or "-"
                print(f"{u.name}\t{u.role}\t{provinces}\t{status}\t{_when(u.created_at)}")
        elif args.action == "disable":
            user = account_admin.disable_user(conn, actor, args.name)
            print(f"disabled user {user.name}: its sessions ended and its tokens stopped working")
        elif args.action == "set-password":
            password = _read_password(args, required=True)
            assert password is not None
            account_admin.set_password(conn, actor, args.name, password)
            print(f"password of {args.name} set; its browser sessions ended")
        return 0

    return _run(settings, work)


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from service.auth.principal import command_principal
    from service.db import account_admin, accounts

    actor = command_principal("cli", args.as_user)

    def work(conn: Any) -> int:
        if args.action == "create":
            token, secret = account_admin.create_token(
                conn, actor, user=args.user, label=args.label, expires_days=args.expires_days
            )
            print(
                f"token {token.id} of {token.user_name}, label {token.label!r},"
                f" expires {_when(token.expires_at) if token.expires_at else 'never'}."
                " It is shown once; send it as the header 'Authorization: Bearer <token>':"
            )
            print(secret)
        elif args.action == "list":
            now = dt.datetime.now(dt.UTC)
            print("id\tuser\tlabel\tstatus\tcreated\texpires")
            for t in accounts.list_tokens(conn, args.user):
                if t.revoked_at is not None:
                    status = "revoked"
                elif t.expires_at is not None and t.expires_at <= now:
                    status = "expired"
                else:
                    status = "active"
                print(
                    f"{t.id}\t{t.user_name}\t{t.label}\t{status}\t{_when(t.created_at)}"
                    f"\t{_when(t.expires_at)}"
                )
        elif args.action == "revoke":
            token = account_admin.revoke_token(conn, actor, args.id)
            print(f"revoked token {token.id} ({token.user_name}, {token.label!r})")
        return 0

    return _run(settings, work)
