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
