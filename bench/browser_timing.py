"""How fast the app answers in headless Chromium on the demo data, served as `make run` serves it (ui.serve).

Usage: .venv/bin/python bench/browser_timing.py [--repeat 5] [--cold 5] [--only scorecard area upload] [--db sqlite:///path.db]
scorecard cold = first load after the server starts (empty caches) in a browser that never opened the app,
                 navigation -> the page stopped changing; `--cold` times, each on a server started afresh
scorecard warm = the same page loaded again (caches filled; with the local-mode link, as a reload drops the token)
year change    = choosing another year in the sidebar -> the scorecard redrawn
area page warm = an area page chosen in the sidebar's menu, each visited once before -> redrawn; one row per
                 page as well, as the goal holds for each page (an average would hide the slowest)
file -> mapping table = choosing a 3,000-row attendance file on the upload page -> the table of column roles shown
import         = clicking Import on that file -> "3,000행을 가져왔습니다" shown
Goals (issue 12 and the earlier dashboard issue): scorecard cold < 2 s, warm < 1 s, year change < 0.5 s, area page
warm < 1 s, file -> mapping table < 1.5 s, import < 2 s. Times exclude the 0.6 s the page must hold still.
Imports write into a copy of the database (the demo's own stays as it was); each upload is a new file.
Beside each wall time, the CPU seconds the server and the browser spent on it (bench/proc_cpu.py): on a machine
shared with other jobs the wall time grows with their load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.proc_cpu import TreeCpu  # noqa: E402
from bench.screenshots import demo_url  # noqa: E402
from metrics.kpi.registry import load_registry  # noqa: E402
from tests.app_fixtures import RunningApp, browser_page, copy_db, running_app, wait_drawn  # noqa: E402

GOALS = {"scorecard cold": 2.0, "scorecard warm": 1.0, "year change": 0.5, "area page warm": 1.0,
         "file -> mapping table": 1.5, "import": 2.0}
UPLOAD_ROWS = 3000
PARTS = ("scorecard", "area", "upload")  # scorecard warm and year change; area pages; the upload's two steps
# A person's browser is running before they open the link: its own start (its helper processes) is not timed.
BROWSER_SETTLE_S = 1.0
MAPPING_TABLE = '[class*="st-key-mapping-"] canvas'  # the column-role editor (ui.upload_steps.mapping_editor)


def timed_load(page, url: str) -> float:
    """Seconds from starting navigation to the last change of the drawn page."""
    started = time.monotonic()
    page.goto(url)
    return wait_drawn(page) - started


def choose_year(page, year: int) -> float:
    """Pick `year` in the sidebar's year box; seconds from the click to the redrawn page."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').last
    box.click()
    option = page.get_by_role("option", name=str(year), exact=True)
    started = time.monotonic()
    option.click()
    return wait_drawn(page) - started


def open_from_menu(page, title: str) -> float:
    """Click `title` in the sidebar's page menu; seconds from the click to the redrawn page."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True)
    started = time.monotonic()
    link.click()
    page.locator("h1", has_text=title).first.wait_for(timeout=60_000)
    return wait_drawn(page, timeout_s=60) - started


def attendance_sample(samples: Path, folder: Path, tag: int, rows: int = UPLOAD_ROWS) -> Path:
    """The demo's attendance register of this year cut to `rows` trainees, each with a phone number of its own
    (so a new pseudonym and a new row): a file the database has not seen, in the layout managers keep."""
    import openpyxl

    book = openpyxl.load_workbook(sorted(samples.glob("attendance_*.xlsx"))[-1])
    sheet = book.active
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row and "연락처" in row)
    phone = [c.value for c in sheet[header]].index("연락처") + 1
    last = header + rows
    for number, row in enumerate(range(header + 1, last + 1)):
        sheet.cell(row, phone).value = f"010-{7000 + tag:04d}-{number:04d}"
    if sheet.max_row > last:
        sheet.delete_rows(last + 1, sheet.max_row - last)
    path = folder / f"attendance_bench_{tag}.xlsx"
    book.save(path)
    return path


class Meter:
    """Wall and CPU seconds (server, browser) of each measured action, by measure."""

    def __init__(self, app: RunningApp, profile: Path) -> None:
        self.server = TreeCpu(f"--server.port={app.base.rsplit(':', 1)[1]}")
        self.browser = TreeCpu(f"--user-data-dir={profile}")
        self.wall: dict[str, list[float]] = {name: [] for name in GOALS}
        self.cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in GOALS}
        self.goals = dict(GOALS)
        self._before = (0.0, 0.0)

    def start(self) -> None:
        """Mark the CPU counters before an action."""
        self._before = (self.server.seconds(), self.browser.seconds())

    def record(self, name: str, wall: float, *also: str) -> float:
        """Note the action's wall time and the CPU spent since `start`, under `name` and each of `also`."""
        server, browser = self.server.seconds(), self.browser.seconds()
        for each in (name, *also):
            self.goals.setdefault(each, self.goals[name])
            self.wall.setdefault(each, []).append(wall)
            self.cpu.setdefault(each, []).append((server - self._before[0], browser - self._before[1]))
        return wall

    def run(self, name: str, action, *args) -> float:
        """Time `action(*args)` (it returns its own wall seconds) as one run of `name`."""
        self.start()
        return self.record(name, action(*args))


def upload(page, app: RunningApp, sample: Path, meter: Meter) -> None:
    """Choose `sample` (timed to the mapping table), then Import it (timed to the success message)."""
    page.goto(app.link("upload"))
    wait_drawn(page, timeout_s=60)
    chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    meter.start()
    started = time.monotonic()
    chooser.set_input_files(str(sample))
    page.locator(MAPPING_TABLE).first.wait_for(state="visible", timeout=60_000)
    meter.record("file -> mapping table", time.monotonic() - started)
    button = page.get_by_role("button", name=f"{UPLOAD_ROWS:,}행 가져오기")
    button.wait_for(timeout=60_000)
    wait_drawn(page, timeout_s=60)
    meter.start()
    started = time.monotonic()
    button.click()
    page.get_by_text(f"{UPLOAD_ROWS:,}행을 가져왔습니다", exact=False).first.wait_for(timeout=60_000)
    meter.record("import", time.monotonic() - started)


def measure(app: RunningApp, repeat: int, samples: Path, parts: tuple[str, ...] = PARTS) -> Meter:
    """Run the measurements of `parts` (the scorecard is always loaded first, cold); returns the meter."""
    this_year = date.today().year
    years = [this_year - 1, this_year - 2, this_year]
    areas = [a.ko for a in load_registry().areas]
    with tempfile.TemporaryDirectory() as profile, browser_page(Path(profile), height=1200) as page:
        meter = Meter(app, Path(profile))
        time.sleep(BROWSER_SETTLE_S)
        meter.run("scorecard cold", timed_load, page, app.link())
        if "scorecard" in parts:
            for _ in range(repeat):
                meter.run("scorecard warm", timed_load, page, app.link())
            for i in range(repeat * 2):
                meter.run("year change", choose_year, page, years[i % len(years)])
            choose_year(page, this_year)
        if "area" in parts:
            for title in areas:  # once each, to fill the caches
                open_from_menu(page, title)
            for _ in range(max(3, repeat // 2)):  # each page's own median needs a few visits
                for title in areas:
                    meter.start()
                    meter.record("area page warm", open_from_menu(page, title), f"area page warm: {title}")
        if "upload" in parts:
            for tag in range(repeat):
                upload(page, app, attendance_sample(samples, Path(profile), tag), meter)
    return meter


def more_cold_loads(source: Path, runs: int, meter: Meter) -> None:
    """`runs` more cold loads, each on a server started afresh and a browser profile never used, added to `meter`:
    one cold load is one sample, and the machine's other work moves it by tenths of a second."""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder, running_app(copy_db(source, Path(folder))) as app, \
                tempfile.TemporaryDirectory() as profile, browser_page(Path(profile), height=1200) as page:
            fresh = Meter(app, Path(profile))
            time.sleep(BROWSER_SETTLE_S)
            fresh.run("scorecard cold", timed_load, page, app.link())
        meter.wall["scorecard cold"] += fresh.wall["scorecard cold"]
        meter.cpu["scorecard cold"] += fresh.cpu["scorecard cold"]


def table(meter: Meter) -> str:
    """A small Markdown table: wall time median, best, worst; median CPU of the server and the browser; goal, met?"""
    lines = ["| measure | median s | best s | worst s | runs | CPU s: server + browser (median) | goal s | met |",
             "|---|---|---|---|---|---|---|---|"]
    order = [each for name in GOALS for each in meter.wall if each == name or each.startswith(f"{name}: ")]
    for name in order:  # a page's own row after the measure it belongs to
        values = meter.wall[name]
        if not values:
            continue
        median = statistics.median(values)
        server = statistics.median(c[0] for c in meter.cpu[name])
        browser = statistics.median(c[1] for c in meter.cpu[name])
        lines.append(f"| {name} | {median:.2f} | {min(values):.2f} | {max(values):.2f} | {len(values)} "
                     f"| {server:.2f} + {browser:.2f} | {meter.goals[name]:.1f} | {'yes' if median < meter.goals[name] else 'no'} |")
    return "\n".join(lines)


def load_line() -> str:
    """The machine and its load, to read the figures by."""
    one, five, fifteen = os.getloadavg()
    return f"{platform.machine()}, {os.cpu_count()} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def main(argv: list[str] | None = None) -> int:
    """Start a fresh server on a copy of the demo database (so the first load is cold), measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS,
                        help="measure only these parts (the cold scorecard load is always measured)")
    parser.add_argument("--cold", type=int, default=5, help="cold loads of the scorecard, each on a fresh server")
    parser.add_argument("--db", help="SQLite database URL (default: the bench demo database); a copy is used")
    args = parser.parse_args(argv)
    # One key for building the demo and serving it: the database refuses uploads under another key.
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    source = Path((args.db or demo_url()).removeprefix("sqlite:///"))
    print(f"before: {load_line()}", flush=True)
    with tempfile.TemporaryDirectory() as folder, running_app(copy_db(source, Path(folder))) as app:
        meter = measure(app, args.repeat, source.parent / "samples", tuple(args.only))
    more_cold_loads(source, args.cold - 1, meter)
    print(table(meter))
    print(f"after: {load_line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
