"""``assistant users``: accounts of the team server, managed on its own machine.

    assistant users add NAME [--admin] [--password-stdin]
    assistant users token NAME [--revoke]
    assistant users passwd NAME [--password-stdin]
    assistant users disable NAME | enable NAME | delete NAME
    assistant users list [--json]

A password change, a disable and a delete end the user's web sessions and API
tokens at once, on every server that shares the database.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path


def add_parser(commands) -> None:
    users = commands.add_parser("users", help="accounts of the team server (assistant users --help)")
    users.add_argument("--store", help="store folder (default: $ASSISTANT_STORE or a per-user data folder)")
    users.add_argument("--database", help="application database URL (default: $ASSISTANT_DATABASE_URL or "
                                          "SQLite in the store folder)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may see and manage every collection")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    token = actions.add_parser("token", help="print a new API token for a user")
    token.add_argument("name")
    token.add_argument("--revoke", action="store_true", help="end every token of the user instead")
    passwd = actions.add_parser("passwd", help="set a new password (ends the user's sessions and tokens)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for action, text in (("disable", "stop a user from logging in (ends their sessions and tokens)"),
                         ("enable", "let a disabled user log in again"),
                         ("delete", "delete a user, their tokens and conversations")):
        actions.add_parser(action, help=text).add_argument("name")
    listing = actions.add_parser("list", help="list the users")
    listing.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from assistant.server.accounts import Accounts
    from assistant.server.database import Database, database_url
    from assistant.settings import Settings

    store = Path(args.store).expanduser() if args.store else Settings().store
    accounts = Accounts(Database(database_url(args.database, store)))
    if args.action == "add":
        password = _password(args.name, args.password_stdin)
        user = accounts.add(args.name, password, admin=args.admin)
        print(f"added {'admin ' if user.is_admin else ''}user {user.name!r}; "
              f"make an API token with: assistant users token {user.name}")
    elif args.action == "passwd":
        accounts.set_password(args.name, _password(args.name, args.password_stdin))
        print(f"new password set for {args.name!r}; their sessions and tokens have ended")
    elif args.action in ("disable", "enable", "delete"):
        {"disable": accounts.disable, "enable": accounts.enable, "delete": accounts.remove}[args.action](args.name)
        print(f"{args.action}d user {args.name!r}" if args.action != "delete" else f"deleted user {args.name!r}")
    elif args.action == "token" and args.revoke:
        print(f"revoked {accounts.revoke(args.name)} token(s) of {args.name!r}")
    elif args.action == "token":
        print(accounts.new_token(args.name))
    elif args.json:
        print(json.dumps([{"name": u.name, "admin": u.is_admin} for u in accounts.list()]))
    else:
        for user in accounts.list():
            print(f"{user.name}{'  (admin)' if user.is_admin else ''}")
    return 0


def _password(name: str, from_stdin: bool) -> str:
    from assistant.server.errors import AccountError

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ; run the command again")
    return first
