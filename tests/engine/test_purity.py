"""The engine is pure: importing every engine module pulls in neither Django nor any Kaohe app.

`kaohe/__init__.py` loads the Celery app for the Django side, so the probe takes what `import kaohe`
loads as its baseline and checks what the engine modules add on top.
"""

import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "src" / "kaohe" / "engine"

PROBE = """
import importlib, pkgutil, sys
import kaohe
baseline = set(sys.modules)
import kaohe.engine
for module in pkgutil.iter_modules(kaohe.engine.__path__):
    importlib.import_module(f"kaohe.engine.{module.name}")
loaded = sorted(m for m in set(sys.modules) - baseline if m.split(".")[0] in ("django", "celery", "ninja")
                or (m.startswith("kaohe.") and not m.startswith("kaohe.engine")))
print(",".join(loaded))
"""


def test_importing_the_engine_loads_no_django_and_no_kaohe_app():
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd=ENGINE.parents[1]
    )
    assert completed.stdout.strip() == ""
