"""Chinese is the default and English is complete: every string in the code has its translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_entry_of_the_chinese_catalogue_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    """Extract the strings afresh (GNU gettext) from a copy of the source and compare."""
    work = tmp_path / "src" / "kaohe"
    shutil.copytree(Path(settings.SRC_DIR) / "kaohe", work, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location",
         "--settings=kaohe.config.settings.test", f"--pythonpath={tmp_path / 'src'}", "-i", "*/tests/*"],
        cwd=work, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "KAOHE_TEST_DIR": settings.KAOHE_TEST_DIR, "PYTHONPATH": str(tmp_path / "src")},
    )
    fresh = polib.pofile(str(work / "web" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE))}

    assert sorted({e.msgid for e in fresh} - committed) == []


def test_the_engine_msgid_file_is_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("engine_msgids", settings.BASE_DIR / "scripts" / "engine_msgids.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert (Path(settings.SRC_DIR) / "kaohe" / "web" / "engine_msgids.py").read_text() == module.render()


def test_an_engine_problem_reads_in_chinese():
    from django.utils import translation

    from kaohe.engine.problems import Problem
    from kaohe.indicators.problems import problem_text

    with translation.override("zh-hans"):
        text = problem_text(Problem("indicator_weights_sum", "", {"dimension": "ji", "total": 101}))

    assert text == "“绩”维度的指标权重合计为 101%，应为 100%。"
