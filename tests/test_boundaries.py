"""House rules the tree can check: the core stays free of the UI, documents stay true to their sources."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_metrics_core_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "metrics").rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


def test_data_contract_document_matches_the_contract_file():
    from metrics.contract.doc import render

    written = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert written == render(), "run: .venv/bin/python -m metrics contract-doc > docs/data-contract.md"


def test_every_required_column_has_a_korean_and_english_header():
    from metrics.contract import load_contract

    for kind in load_contract().kinds.values():
        for col in kind.columns:
            assert col.ko.strip() and col.en.strip(), f"{kind.name}.{col.role}"


def test_every_setting_is_documented_with_its_environment_variable():
    from dataclasses import fields

    from metrics.access.auth import POLICY_ENV, Policy
    from metrics.settings import Settings

    assert [field for field, _, _ in POLICY_ENV] == [f.name for f in fields(Policy)]
    names = [f.name.upper() for f in fields(Settings)] + [name for _, name, _ in POLICY_ENV]
    docs = "".join((ROOT / p).read_text(encoding="utf-8") for p in ("README.md", "docs/security.md"))
    assert [name for name in names if f"`{name}`" not in docs] == []


def test_the_readme_layout_names_every_package_of_the_core_and_no_other():
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "metrics").glob("*/__init__.py")}
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- `(metrics/[a-z_]+)/`", layout, flags=re.M))
    assert listed == {p for p in packages if p != "metrics/config"}


def _calls_the_servers_day(path: Path) -> bool:
    """Whether the module asks the server's own zone for today or now (date.today(), datetime.now() without a zone)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in ("date", "datetime"):
                if node.func.attr == "today" or (node.func.attr == "now" and not node.args and not node.keywords):
                    return True
    return False


def test_today_is_koreas_day_everywhere_not_the_servers():
    # One clock (metrics/clock.py): a server in UTC is a day behind Korea from 00:00 to 09:00 KST, so a default
    # of date.today() would judge a different day than the pages, and the tests would depend on the hour they run.
    code = [*(ROOT / "metrics").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").rglob("*.py"),
            ROOT / "app.py", *(ROOT / "tests").glob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in code if p.name != "clock.py" and _calls_the_servers_day(p)]
    assert offenders == []
