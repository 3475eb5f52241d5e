"""How long one password hash takes (the login budget): `.venv/bin/python bench/password_hash.py`."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings.local")

import django

django.setup()

from django.contrib.auth.hashers import get_hasher, make_password  # noqa: E402

hasher = get_hasher()
times = []
for _ in range(7):
    started = time.perf_counter()
    make_password("Kaohe-Demo-2026")
    times.append(time.perf_counter() - started)
print(f"{hasher.algorithm} × {hasher.iterations:,}: median {statistics.median(times):.3f} s, "
      f"max {max(times):.3f} s over {len(times)} hashes")
