"""Screenshots of every page in headless Chromium on the demo data, into docs/screenshots/*.png.

Usage: .venv/bin/python bench/screenshots.py [--lang en] [--db sqlite:///path.db]
Without --db a demo database is built once in bench/out/ (kept for the next run).
Also the scorecard as printed: Chromium's print to PDF on A4 (the page's print CSS), its first two pages as
scorecard_print.png (bench/pdf_png.py).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pdf_png import pdf_to_png  # noqa: E402
from tests.app_fixtures import RunningApp, browser_page, build_demo_db, running_app, wait_drawn  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH = 1400
MIN_HEIGHT, MAX_HEIGHT = 2400, 9000
A4_WIDTH, A4_HEIGHT = 794, 1123  # px at 96 per inch: how Chromium lays out a page printed on A4
PAGES = {
    "scorecard": "",
    "area_cert": "area_cert",
    "area_wk": "area_wk",
    "area_eval": "area_eval",
    "area_edu": "area_edu",
    "area_ft": "area_ft",
    "area_cs": "area_cs",
    "upload": "upload",
    "explore": "explore",
}


def demo_url() -> str:
    """The bench demo database, built on first use."""
    folder = ROOT / "bench" / "out" / "demo"
    if (folder / "demo.db").exists():
        return f"sqlite:///{folder / 'demo.db'}"
    print("building the demo database (once)…", flush=True)
    return build_demo_db(folder)


def wait_charts(page, timeout_ms: int = 20_000) -> None:
    """Wait until every plotly chart on the page has drawn its SVG."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=timeout_ms,
    )


def content_height(page) -> int:
    """How tall the page's content is (Streamlit scrolls inside its own container, not the window)."""
    return int(page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   const b = m && m.querySelector('[data-testid="stMainBlockContainer"]');
                   return Math.max(m ? m.scrollHeight : 0, b ? b.scrollHeight + 120 : 0); }"""
    ))


def shoot(page, app: RunningApp, name: str, path: str, lang: str) -> Path:
    """Open one page (with the local-mode link), let it draw, grow the viewport to its content and save a PNG."""
    query = {"lang": "English"} if lang == "en" else {}
    page.set_viewport_size({"width": WIDTH, "height": MIN_HEIGHT})
    page.goto(app.link(path, **query))
    wait_drawn(page)
    wait_charts(page)
    height = min(MAX_HEIGHT, max(MIN_HEIGHT, content_height(page)))
    page.set_viewport_size({"width": WIDTH, "height": height})
    time.sleep(0.8)  # plotly re-lays out on resize
    wait_charts(page)
    suffix = "" if lang == "ko" else f".{lang}"
    target = OUT / f"{name}{suffix}.png"
    page.screenshot(path=str(target))
    return target


def shoot_wizard(page, app: RunningApp, sample: Path, lang: str) -> Path:
    """The upload page with a sample file read, mapped and checked (not imported)."""
    query = {"lang": "English"} if lang == "en" else {}
    page.set_viewport_size({"width": WIDTH, "height": MIN_HEIGHT})
    page.goto(app.link("upload", **query))
    wait_drawn(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
    page.get_by_role("button", name=re.compile("가져오기|Import")).first.wait_for(timeout=30_000)
    wait_drawn(page)
    height = min(MAX_HEIGHT, max(MIN_HEIGHT, content_height(page)))
    page.set_viewport_size({"width": WIDTH, "height": height})
    time.sleep(0.8)
    target = OUT / f"upload_wizard{'' if lang == 'ko' else '.' + lang}.png"
    page.screenshot(path=str(target))
    return target


def shoot_printed(page, app: RunningApp, lang: str) -> Path:
    """The scorecard printed to PDF on A4 as the browser prints it, its first two pages side by side as a PNG."""
    query = {"lang": "English"} if lang == "en" else {}
    page.set_viewport_size({"width": WIDTH, "height": MIN_HEIGHT})
    page.goto(app.link("", **query))
    wait_drawn(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": A4_HEIGHT})
    wait_drawn(page)
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    return pdf_to_png(pdf, OUT / f"scorecard_print{'' if lang == 'ko' else '.' + lang}.png", pages=2)


def wizard_sample(url: str, folder_for_copy: Path) -> Path | None:
    """A sample sheet next to the demo database, with one answer changed: the demo already holds the
    sample itself, which the page would refuse at once as the same file."""
    import openpyxl

    folder = Path(url.removeprefix("sqlite:///")).parent / "samples"
    found = sorted(folder.glob("exhibitor_survey_*.xlsx")) or sorted(folder.glob("*.xlsx"))
    if not found:
        return None
    book = openpyxl.load_workbook(found[-1])
    sheet = book.active
    first_response = next(row for row in sheet.iter_rows() if row[0].value == 1)  # 연번 1
    first_response[-1].value = "스크린샷용으로 바꾼 응답"  # its comment: a new response for the wizard to show
    copy = folder_for_copy / found[-1].name
    book.save(copy)
    return copy


def main(argv: list[str] | None = None) -> int:
    """Take every screenshot; print where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    parser.add_argument("--db", help="database URL (default: the bench demo database)")
    parser.add_argument("--only", nargs="*", choices=list(PAGES), help="just these pages")
    args = parser.parse_args(argv)
    # One key for building the demo and serving it: the database refuses uploads under another key.
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-not-secret-0123456789abcdef")
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.db or demo_url()
    with running_app(url) as app, tempfile.TemporaryDirectory() as profile, browser_page(Path(profile)) as page:
        for name in args.only or PAGES:
            started = time.perf_counter()
            target = shoot(page, app, name, PAGES[name], args.lang)
            print(f"{target.relative_to(ROOT)}  {time.perf_counter() - started:.1f} s", flush=True)
        if not args.only or "scorecard" in args.only:
            print(f"{shoot_printed(page, app, args.lang).relative_to(ROOT)}  (printed, A4)", flush=True)
        sample = wizard_sample(url, Path(profile))
        if sample and not args.only:
            print(f"{shoot_wizard(page, app, sample, args.lang).relative_to(ROOT)}  ({sample.name})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
