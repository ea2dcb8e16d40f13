"""Fresh, empty databases per backend for the benchmarks: SQLite files and PostgreSQL databases.

`--backends sqlite,postgresql` picks the backends (default: the backend of DATABASE_URL, else SQLite).
PostgreSQL runs on the server DATABASE_URL names when it names one (each database made there with
CREATE DATABASE and dropped afterwards; the server's settings are reported, never changed), otherwise on
a throwaway cluster from tests/pg_server.py, restarted durable for a fair match with SQLite's
WAL + synchronous=NORMAL, and stopped at the end.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shlex
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

BACKENDS = ("sqlite", "postgresql")
# The throwaway cluster is tuned for tests (no fsync); the benchmark wants what a deployment has.
DURABLE = {"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on"}
REPORTED = ("fsync", "full_page_writes", "synchronous_commit", "wal_level", "shared_buffers", "max_wal_size")


def backend_of(url: str) -> str:
    """'sqlite' or 'postgresql' for a SQLAlchemy URL."""
    name = make_url(url).get_backend_name()
    if name not in BACKENDS:
        raise ValueError(f"벤치마크가 지원하지 않는 데이터베이스입니다 / not a benchmarked backend: {name}")
    return name


def parse_backends(value: str) -> tuple[str, ...]:
    """'sqlite,postgresql' → ('sqlite', 'postgresql'), refusing anything else."""
    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"backends are {', '.join(BACKENDS)}; got {value!r}")
    return names


def add_argument(parser: argparse.ArgumentParser) -> None:
    """The shared --backends option."""
    url = os.environ.get("DATABASE_URL")
    parser.add_argument("--backends", type=parse_backends, default=(backend_of(url),) if url else ("sqlite",),
                        help="comma-separated: sqlite,postgresql (default: DATABASE_URL's backend, else sqlite)")


class Databases:
    """Hands out fresh, empty databases on one backend; `description` and `settings` say what they run on."""

    def __init__(self, backend: str, description: str, settings: dict[str, str], create, drop):
        self.backend = backend
        self.description = description
        self.settings = settings
        self._create, self._drop = create, drop

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """The URL of a new empty database, removed (engine forgotten, database dropped) afterwards."""
        from metrics.store import database

        url = self._create()
        try:
            yield url
        finally:
            database.forget_engine(url)
            self._drop(url)


@contextmanager
def databases(backend: str) -> Iterator[Databases]:
    """A factory of fresh databases on `backend`, with everything it started stopped at the end."""
    if backend == "sqlite":
        with _sqlite() as factory:
            yield factory
    else:
        with _postgresql() as factory:
            yield factory


@contextmanager
def every_backend(names: tuple[str, ...]) -> Iterator[dict[str, Databases]]:
    """One factory per backend name, all open together (so runs can alternate between them)."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(databases(name)) for name in names}


@contextmanager
def _sqlite() -> Iterator[Databases]:
    with tempfile.TemporaryDirectory(prefix="charter-bench-") as folder:
        counter = itertools.count(1)

        def create() -> str:
            return f"sqlite:///{folder}/bench{next(counter)}.db"

        def drop(url: str) -> None:
            path = Path(make_url(url).database)
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)

        # The app's own connection settings (metrics/store/database.py), read back rather than restated.
        yield Databases("sqlite", f"SQLite {sqlite3.sqlite_version}, a file on the local disk",
                        {"journal_mode": "wal", "synchronous": "NORMAL (1)"}, create, drop)


@contextmanager
def _postgresql() -> Iterator[Databases]:
    from tests import pg_server

    url = os.environ.get("DATABASE_URL")
    if url and backend_of(url) == "postgresql":
        server = pg_server.from_url(url)
        where = f"the server of DATABASE_URL ({server.admin_url.render_as_string(hide_password=True)})"
    else:
        server = pg_server.start_throwaway()
        where = "a throwaway cluster of tests/pg_server.py on a unix socket, restarted durable"
        try:
            _restart_durable(server)
        except BaseException:
            server.close()
            raise
    try:
        settings = _show(server, ("server_version", *REPORTED))
        version = settings.pop("server_version")
        counter = itertools.count(1)

        def create() -> str:
            return server.create(f"charter_bench_{os.getpid()}_{next(counter)}")

        def drop(db_url: str) -> None:
            server.drop(make_url(db_url).database)

        yield Databases("postgresql", f"PostgreSQL {version}, {where}", settings, create, drop)
    finally:
        server.close()


def _restart_durable(server) -> None:
    """Restart the throwaway cluster with fsync, full_page_writes and synchronous_commit on.

    ALTER SYSTEM + pg_reload_conf() cannot do it: tests/pg_server.py sets them off on the postgres command
    line, which outranks postgresql.auto.conf (pg_settings then still says 'off', source 'command line').
    So the server is restarted with its own command line (postmaster.opts) and the durable -c options
    after it: the last -c for a name wins.
    """
    data = Path(_show(server, ("data_directory",))["data_directory"])
    program, *options = shlex.split((data / "postmaster.opts").read_text())
    for name, value in DURABLE.items():
        options += ["-c", f"{name}={value}"]
    owner = data.stat()
    run = {"user": owner.st_uid, "group": owner.st_gid, "extra_groups": []} if owner.st_uid != os.geteuid() else {}
    pg_ctl = Path(program).with_name("pg_ctl")
    subprocess.run(
        [pg_ctl, "-D", data, "-l", data.parent / "server.log", "-w", "-t", "60", "-m", "fast",
         "-o", shlex.join(options), "restart"],
        check=True, capture_output=True, cwd=data.parent, env={**os.environ, "HOME": str(data.parent)}, **run,
    )
    found = _show(server, tuple(DURABLE))
    if found != DURABLE:
        raise RuntimeError(f"the throwaway PostgreSQL did not take the durable settings: {found}")


def _show(server, names: tuple[str, ...]) -> dict[str, str]:
    """SHOW each setting, on a connection of its own (the server's pooled one must not outlive a restart)."""
    engine = create_engine(server.admin_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(text(f"SHOW {name}")).scalar() for name in names}
    finally:
        engine.dispose()
