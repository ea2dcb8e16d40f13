"""Shared fixtures: a fresh database per test and a fixed pseudonymisation key.

The suite runs on SQLite (the default, one file per test) or, with `--backend=postgresql`, on a real
PostgreSQL server: a throwaway cluster started for the session, or the server TEST_DATABASE_URL names.
On PostgreSQL only the tests marked `db` run, each on a database of its own (CREATE DATABASE per test).

Under pytest-xdist (`-n`) every worker is a session of its own (its own SQLite files, its own demo copy);
on PostgreSQL the controller starts the one server and the workers share it, each making its own databases.

A test touches the database through the `engine`, `database_url`, `db_path` or `demo_database_url`
fixtures (then it is marked `db` by itself), or through DATABASE_URL (then it says `pytest.mark.db`);
on SQLite a test that touched the database without the mark fails, so none is left out on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import fcntl
import inspect
import os
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from metrics import store
from metrics.access import auth
from tests.dbcheck import TEST_KEY  # the one key for the tests and the processes they start

# Argon2 at its cheapest: the same algorithm and encoding, without the deliberate 0.2 s of work per hash that
# the real parameters cost (a few hundred hashes in a run). Processes a test starts hash as the app does.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
BACKENDS = ("sqlite", "postgresql")
DB_FIXTURES = frozenset({"engine", "database_url", "db_path", "demo_database_url"})
SERVER = pytest.StashKey["object"]()
PG_INPUT = "charter_pg_server"  # what an xdist controller hands its workers
DEMO_TEMPLATE = pytest.StashKey[str]()


def pytest_addoption(parser):
    parser.addoption(
        "--backend", choices=BACKENDS, default="sqlite",
        help="database the tests run on: sqlite (default, every test) or postgresql (the tests marked db; "
             "a throwaway server, or the one TEST_DATABASE_URL names)",
    )


def _backend(config) -> str:
    return config.getoption("backend")


def pytest_configure(config):
    if _backend(config) != "postgresql":
        return
    from tests import pg_server

    shared = getattr(config, "workerinput", {}).get(PG_INPUT)
    try:
        if shared:  # a pytest-xdist worker: the server its controller started, a database per test as ever
            config.stash[SERVER] = pg_server.from_url(shared["url"], shared["description"])
            return
        given = os.environ.get("TEST_DATABASE_URL")
        config.stash[SERVER] = server = pg_server.from_url(given) if given else pg_server.start_throwaway()
        server.check()
    except pg_server.PostgresUnavailable as exc:
        raise pytest.UsageError(f"--backend=postgresql: {exc}") from None


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: absent without it
def pytest_configure_node(node):
    """Hand each xdist worker the one server (every worker then makes its own databases on it) and the name
    of the demo template they share."""
    server = node.config.stash.get(SERVER, None)
    if server is None:
        return
    if DEMO_TEMPLATE not in node.config.stash:
        node.config.stash[DEMO_TEMPLATE] = server.new_name() + "_demo"
    node.workerinput[PG_INPUT] = {"url": server.admin_url.render_as_string(hide_password=False),
                                  "description": server.description,
                                  "demo_template": node.config.stash[DEMO_TEMPLATE]}


def pytest_unconfigure(config):
    server = config.stash.get(SERVER, None)
    if server is None:
        return
    if DEMO_TEMPLATE in config.stash:  # the workers are done with it
        server.drop(config.stash[DEMO_TEMPLATE])
    server.close()  # stops the server only in the process that started it


def _describe(config) -> str:
    if _backend(config) == "postgresql":
        return f"PostgreSQL: {config.stash[SERVER].description}; only the tests marked db"
    return "SQLite: a file per test"


def pytest_report_header(config):
    return f"database backend / 데이터베이스: {_describe(config)}"


def pytest_sessionstart(session):
    # -q hides the header; the backend is still said first.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.verbosity < 0:
        reporter.write_line(pytest_report_header(session.config))


def pytest_terminal_summary(terminalreporter, config):
    terminalreporter.write_line(f"database backend / 데이터베이스: {_describe(config)}")


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marks added here
def pytest_collection_modifyitems(config, items):
    on_postgres = _backend(config) == "postgresql"
    kept, dropped = [], []
    for item in items:
        if DB_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.db)
        if on_postgres:
            if not item.get_closest_marker("db"):
                dropped.append(item)
                continue
            only = item.get_closest_marker("sqlite_only")
            if only:
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.kwargs.get('reason', only.args)}"))
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _isolated_settings(request, tmp_path, monkeypatch):
    # Never touch the real data/ folder or a key file from a test.
    monkeypatch.setenv("PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setattr(auth, "_hasher", lambda: CHEAP_HASHER)
    marked = request.node.get_closest_marker("db") is not None
    if marked or _backend(request.config) == "sqlite":
        url = request.getfixturevalue("database_url")
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engines = getattr(store, "_engines", {})
    before = set(engines)
    yield
    made = set(engines) - before
    for key in made:  # an engine left open holds connections to a database about to be dropped
        engines.pop(key).dispose()
    if not marked and (made or any(tmp_path.rglob("*.db"))):
        pytest.fail(
            "this test used the database without `@pytest.mark.db`, so it would not run on PostgreSQL "
            "/ 데이터베이스를 쓰는 시험에 db 표시가 없습니다", pytrace=False,
        )


@pytest.fixture
def database_url(request, tmp_path):
    """The test's own database (DATABASE_URL): empty, or a copy of the demo data if the test asks for it.

    On PostgreSQL, a test that does not name `database_url` itself (it uses `engine`, or DATABASE_URL) gets
    a copy of a database whose schema the session set up once, so the app's set-up finds nothing to do:
    setting up an empty database is the slow part there (0.5 s a test, against 0.05 s for the copy).
    A test that names `database_url` always gets an empty one (schema creation, upgrades, races at start).
    """
    demo = "demo_database_url" in request.fixturenames
    server = request.config.stash.get(SERVER, None)
    if server is None:
        if demo:
            from tests.app_fixtures import copy_db

            return copy_db(request.getfixturevalue("_sqlite_demo"), tmp_path)
        return f"sqlite:///{tmp_path / 'test.db'}"
    if demo:
        template = request.getfixturevalue("_pg_demo_template")
    elif "database_url" in inspect.signature(request.function).parameters:
        template = None
    else:
        template = request.getfixturevalue("_pg_schema_template")
    name = server.new_name()
    url = server.create(name, template=template)
    request.addfinalizer(lambda: server.drop(name))
    return url


@pytest.fixture
def demo_database_url(database_url):
    """The test's database filled with the demo data (built once per run through the real pipeline)."""
    return database_url


@pytest.fixture(scope="session")
def _pg_schema_template(request):
    server = request.config.stash[SERVER]
    name = server.new_name() + "_schema"
    url = server.create(name)
    store.get_engine(url)
    store._engines.pop(url).dispose()  # a template must have no session open
    yield name
    server.drop(name)


@contextlib.contextmanager
def _test_key():
    """The test key in the environment while a session fixture builds data (outside any test's monkeypatch)."""
    previous = os.environ.get("PSEUDONYM_KEY")
    os.environ["PSEUDONYM_KEY"] = TEST_KEY
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PSEUDONYM_KEY", None)
        else:
            os.environ["PSEUDONYM_KEY"] = previous


@pytest.fixture(scope="session")
def _sqlite_demo(request, tmp_path_factory) -> Path:
    """The demo database that SQLite tests asking for it copy, built once per run through the pipeline: under
    xdist by the first worker that needs it, in the folder the run's workers share, the others waiting."""
    from tests.app_fixtures import build_demo_db

    run = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        run = run.parent  # above every worker's own folder
    done = run / "shared-demo" / "demo.db"
    with open(run / "shared-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released as the file closes
        if not done.exists():
            building = run / "shared-demo-building"  # renamed once whole: a half-built one is never used
            shutil.rmtree(building, ignore_errors=True)
            with _test_key():
                build_demo_db(building)
            building.rename(done.parent)
    return done


@pytest.fixture(scope="session")
def _pg_demo_template(request, tmp_path_factory):
    """The demo database that PostgreSQL tests asking for it copy, built once per run (under xdist by the
    first worker that needs it, under a lock on the server; the controller drops it at the end)."""
    from tests.app_fixtures import fill_demo

    server = request.config.stash[SERVER]
    shared = getattr(request.config, "workerinput", {}).get(PG_INPUT, {}).get("demo_template")
    name = shared or server.new_name() + "_demo"
    with server.locked(name):
        if not server.exists(name):
            building = name + "_building"  # renamed once whole: a half-built one is never copied
            server.drop(building)
            with _test_key():
                fill_demo(server.create(building), tmp_path_factory.mktemp("demo"))
            server.rename(building, name)
    yield name
    if not shared:
        server.drop(name)


@pytest.fixture
def db_path(request, tmp_path):
    """The SQLite file behind DATABASE_URL: only for tests about SQLite itself (mark them sqlite_only)."""
    if request.config.stash.get(SERVER, None) is not None:
        pytest.fail("db_path is a SQLite file: mark the test sqlite_only or check through the engine", pytrace=False)
    return tmp_path / "test.db"


@pytest.fixture
def engine(database_url):
    eng = store.get_engine(database_url)
    yield eng
    eng.dispose()
    store._engines.pop(database_url, None)
