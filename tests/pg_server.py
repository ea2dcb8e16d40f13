"""A PostgreSQL server for the test session: a throwaway cluster, or the one TEST_DATABASE_URL names.

The throwaway cluster lives in a temporary directory, listens on a unix socket in that directory only
(no TCP port, so nothing to race for and nobody else can reach it), and is tuned for tests
(no fsync: a crash loses nothing that matters). As root, initdb refuses to run, so the server runs as
the `postgres` system user (or `nobody`) and owns its directory.

Every test gets its own database, made by CREATE DATABASE ... TEMPLATE and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

SETTINGS = {
    # Tests need isolation and speed, not durability.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "64MB",
    "listen_addresses": "",
    "unix_socket_permissions": "0700",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be had on this machine."""


def bin_dir() -> Path:
    """The folder holding initdb and pg_ctl: PG_BIN, then PATH, then the usual package locations."""
    candidates = [os.environ.get("PG_BIN", "")]
    if found := shutil.which("initdb"):
        candidates.append(str(Path(found).parent))
    # Debian/Ubuntu put each major version apart, off PATH; the newest wins.
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                      if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += [*versions, *sorted(glob.glob("/usr/pgsql-*/bin"), reverse=True)]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: `apt-get install postgresql`, or set PG_BIN, "
        "or set TEST_DATABASE_URL to an existing server / PostgreSQL 서버 프로그램을 찾을 수 없습니다"
    )


class PgServer:
    """A server that tests may create and drop databases on."""

    def __init__(self, admin_url: URL, description: str, stop=None):
        self.admin_url = admin_url
        self.description = description
        self._stop = stop
        session = f"{os.getpid()}_{secrets.token_hex(2)}"  # sessions on one shared server never meet
        self._names = (f"charter_t{session}_{n}" for n in itertools.count(1))
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)

    def url(self, database: str) -> str:
        """The app's URL (postgresql+psycopg://...) for one database on this server."""
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def new_name(self) -> str:
        """A database name no other test of any session on this server uses."""
        return next(self._names)

    def create(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (a copy of `template` when given); returns its URL."""
        self._while_in_use(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def rename(self, name: str, new_name: str) -> None:
        """ALTER DATABASE `name` RENAME TO `new_name` (it must have no session open)."""
        self._while_in_use(f'ALTER DATABASE "{name}" RENAME TO "{new_name}"')

    def _while_in_use(self, sql: str) -> None:
        # A template (or a database renamed) must have no other session; a just-closed one's server process
        # can take a moment to end, longer on a busy machine.
        deadline = time.monotonic() + 60
        while True:
            try:
                with self._admin.connect() as conn:
                    conn.execute(text(sql))
                return
            except Exception as exc:
                if "is being accessed by other users" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def exists(self, name: str) -> bool:
        with self._admin.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is not None

    @contextlib.contextmanager
    def locked(self, name: str):
        """Hold a lock named `name` across every process using this server (a session advisory lock), e.g.
        while one pytest-xdist worker builds a template that the others then copy."""
        with self._admin.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": name})
            try:
                yield
            finally:  # the connection goes back to the pool: a lock left on it would outlive this block
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": name})

    def check(self) -> None:
        """Fail early, in one line, if this server cannot be reached or will not make a database for us."""
        name = self.new_name()
        try:
            self.create(name)
            self.drop(name)
        except Exception as exc:
            raise PostgresUnavailable(f"{self.description}: cannot create a test database: {exc}") from exc

    def drop(self, name: str) -> None:
        """DROP DATABASE `name`, ending any session still on it."""
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        """Forget the admin connection and stop the server if this session started it."""
        self._admin.dispose()
        if self._stop:
            self._stop()


def from_url(url: str, description: str | None = None) -> PgServer:
    """An existing server (a user allowed to CREATE DATABASE): the one TEST_DATABASE_URL names, or the one
    a pytest-xdist controller started for its workers (then `description` is the controller's)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.database:
        parsed = parsed.set(database="postgres")
    shown = parsed.render_as_string(hide_password=True)
    return PgServer(parsed, description or f"PostgreSQL at {shown} (TEST_DATABASE_URL)")


# Runs beside the test session and outlives it: when the session ends, however it ends (even killed), its
# end of the pipe closes, and this stops the server and removes the directory. pg_ctl starts the server
# in a session of its own, so nothing else would ever stop it.
WATCHDOG = """
import os, shutil, signal, sys, time
from pathlib import Path
root = Path(sys.argv[1])
sys.stdin.buffer.read()
pidfile = root / "data" / "postmaster.pid"
try:
    os.kill(int(pidfile.read_text().split()[0]), signal.SIGQUIT)  # immediate shutdown: nothing to keep
    deadline = time.monotonic() + 30
    while pidfile.exists() and time.monotonic() < deadline:  # the server removes it as it exits
        time.sleep(0.05)
except (OSError, ValueError, IndexError):
    pass
shutil.rmtree(root, ignore_errors=True)
"""


def start_throwaway(settings: dict[str, str] | None = None) -> PgServer:
    """initdb + pg_ctl start in a temporary directory; the server is stopped and removed by close().

    `settings` override SETTINGS (e.g. fsync on, for a benchmark that must be fair to SQLite)."""
    binaries = bin_dir()
    runas = _server_user()
    root = Path(tempfile.mkdtemp(prefix="charter-pg-"))
    watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(root)], stdin=subprocess.PIPE,
                                start_new_session=True)  # a Ctrl-C to the session must not stop it first

    def stop() -> None:
        watchdog.stdin.close()
        watchdog.wait(timeout=60)

    if runas is not None:
        os.chown(root, runas.pw_uid, runas.pw_gid)
    data, log = root / "data", root / "server.log"
    run = {"user": runas.pw_uid, "group": runas.pw_gid, "extra_groups": []} if runas else {}
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    if runas:
        env["HOME"] = str(root)
    try:
        subprocess.run(
            [binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
             "--no-sync"],
            check=True, capture_output=True, env=env, cwd=root, **run,
        )
        options = " ".join(f"-c {key}={value!r}" if value == "" else f"-c {key}={value}" for key, value in
                           {**SETTINGS, **(settings or {}), "unix_socket_directories": str(root)}.items())
        subprocess.run(
            [binaries / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"],
            check=True, capture_output=True, env=env, cwd=root, **run,
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace")[-2000:]
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        stop()
        raise PostgresUnavailable(f"could not start a throwaway PostgreSQL: {detail}") from exc

    version = subprocess.run([binaries / "postgres", "--version"], capture_output=True, text=True).stdout.strip()
    admin = make_url(f"postgresql+psycopg://postgres@/postgres?host={quote(str(root))}")
    return PgServer(admin, f"throwaway {version} in {root} (unix socket)", stop)


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: ourselves, unless we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root with neither a `postgres` nor a `nobody` user to run the server as")
