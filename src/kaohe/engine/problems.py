"""Validation problems as data (问题清单): a stable code, the field it concerns, and parameters.

The engine never returns translated text. The Django layer translates `Problem.code` into zh/en
messages; `MESSAGES` holds the English defaults (`str.format` placeholders named after `params`)
so the web layer can reuse them as msgids.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kaohe.engine.messages import MESSAGES

__all__ = ["MESSAGES", "Problem", "prefixed"]


@dataclass(frozen=True)
class Problem:
    """One validation problem: `code` (stable snake_case), `field` (dotted path), `params`."""

    code: str
    field: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The English default message, with `params` filled in (the code itself if unknown)."""
        template = MESSAGES.get(self.code, self.code)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template


def prefixed(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The same problems with `prefix` put in front of each field path (``prefix.field``)."""
    return [Problem(p.code, f"{prefix}.{p.field}" if p.field else prefix, p.params) for p in problems]
