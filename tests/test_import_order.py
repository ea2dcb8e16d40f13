"""Every module of the core imports on its own, whatever was imported before it."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import metrics

ROOT = Path(__file__).resolve().parent.parent

# In one fresh interpreter: for each module, forget every metrics module and import that one first.
_IMPORT_EACH_FIRST = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "metrics" or m.startswith("metrics.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:  # report every module that cannot be imported first, not only the first one
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _core_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(metrics.__path__, "metrics.")
        # Alembic runs the migration scripts itself, inside its own context.
        if ".migrations." not in info.name and not info.name.endswith("__main__")
    )


def test_every_core_module_can_be_imported_first() -> None:
    modules = _core_modules()
    assert "metrics.kpi.details.cases" in modules  # the module that once could not be imported first
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_FIRST, *modules],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
