"""`python -m metrics user ...`: local accounts from the command line (add, list, roles, disable, enable, passwd).

The password is read without echo from a terminal, or as one line from stdin when piped (for scripts),
and is never accepted as an argument: arguments end up in shell history and `ps` listings.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, TextIO

from metrics.access.auth import ROLES, AccountError
from metrics.korean import josa

if TYPE_CHECKING:
    import pandas as pd


def add_user_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `user` command and its subcommands on the main parser's subparsers."""
    user = subparsers.add_parser("user", help="local accounts / 로컬 계정")
    sub = user.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser("add", help="create an account; the password is asked for (or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", action="append", choices=ROLES, required=True, help="repeat for several roles")
    sub.add_parser("list", help="list accounts (never their passwords)")
    roles = sub.add_parser("roles", help="replace an account's roles")
    roles.add_argument("name")
    roles.add_argument("--role", action="append", choices=ROLES, required=True)
    for name, text in (("disable", "disable an account"), ("enable", "enable an account"), ("passwd", "set a new password")):
        sub.add_parser(name, help=text).add_argument("name")


def run_user_command(args: argparse.Namespace) -> int:
    """Run one `user` subcommand; 0 on success, 1 when the change is refused."""
    from metrics.access import auth
    from metrics.store import get_engine

    engine, actor = get_engine(), cli_actor()
    try:
        if args.user_command == "add":
            name = auth.add_user(engine, args.name, read_password(), args.role, actor=actor)
            print(josa(f"계정 '{name}'을(를) 만들었습니다 / account '{name}' created ({', '.join(args.role)})"))
        elif args.user_command == "list":
            _print_users(auth.list_users(engine))
        elif args.user_command == "roles":
            auth.set_roles(engine, args.name, args.role, actor=actor)
            print(f"'{args.name}' roles: {', '.join(args.role)}")
        elif args.user_command in ("disable", "enable"):
            auth.set_disabled(engine, args.name, args.user_command == "disable", actor=actor)
            print(f"'{args.name}' {args.user_command}d")
        elif args.user_command == "passwd":
            auth.set_password(engine, args.name, read_password(), actor=actor)
            print(f"'{args.name}' 비밀번호를 바꿨습니다 / password changed")
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def read_password(stdin: TextIO | None = None) -> str:
    """The new password: asked twice without echo on a terminal, else the first line of stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("비밀번호 / password: ")
        if getpass.getpass("한 번 더 / again: ") != first:
            raise AccountError("두 비밀번호가 다릅니다", "the two passwords differ")
        return first
    return stdin.readline().rstrip("\r\n")


def cli_actor() -> str:
    """Who ran the command, for the audit log: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in a bare container
        return "cli:?"


def _print_users(frame: pd.DataFrame) -> None:
    if frame.empty:
        print("(계정 없음 / no accounts: the app runs in local mode on 127.0.0.1)")
        return
    print(frame.to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    """Only the `user` commands (`python -m metrics.cli.users user add ...`) until cli.py wires them in."""
    parser = argparse.ArgumentParser(prog="python -m metrics")
    add_user_commands(parser.add_subparsers(dest="command", required=True))
    return run_user_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
