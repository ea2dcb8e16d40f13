"""Where things live and the knobs an operator can turn, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent / "config"
DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    """Runtime settings; every field has an environment variable of the same name in upper case."""

    database_url: str
    max_upload_mb: float
    max_rows: int
    seconds_per_ring: float
    pseudonym_key_file: Path
    audit_retention_days: int  # audit entries older than this go at `python -m metrics audit prune`; 0 keeps all


def load_settings() -> Settings:
    """Settings from the environment, with defaults that suit a single-machine install."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'charter.db'}",
        max_upload_mb=float(os.environ.get("MAX_UPLOAD_MB", "50")),
        max_rows=int(os.environ.get("MAX_ROWS", "1000000")),
        seconds_per_ring=float(os.environ.get("SECONDS_PER_RING", "3")),
        pseudonym_key_file=Path(os.environ.get("PSEUDONYM_KEY_FILE", str(DATA_DIR / ".pseudonym_key"))),
        audit_retention_days=int(os.environ.get("AUDIT_RETENTION_DAYS", "730")),
    )
