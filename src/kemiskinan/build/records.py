"""The build's small records: stamps and run.json (JSON, written atomically), timestamps, log lines."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from kemiskinan.atomic import atomic_write


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def write_json_atomic(path: Path, obj) -> None:
    atomic_write(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
