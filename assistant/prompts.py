"""Prompt templates, kept as files in ``prompts/`` and checked at load time: a
template must use exactly the variables the code fills in.

The package finds them as its resource ``assistant/prompts`` (in a checkout, a link
to the top-level ``prompts/`` folder; in a wheel, a copy)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.errors import ConfigError

PROMPTS_DIR = Path(str(resources.files("assistant") / "prompts"))
VARIABLES = {
    "answer": {"sources", "question", "decline"},
    "condense": {"history", "question"},
    "table_sql": {"schema", "rows", "question"},
}


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str

    def format(self, **values: str) -> str:
        return self.template.format(**values)


def load(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    path = folder / f"{name}.txt"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file {path} cannot be read ({exc.strerror}); restore it from the repository") from exc
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as exc:
        raise ConfigError(f"prompt file {path} is not a valid template ({exc}); write literal braces as {{{{ and }}}}") from exc
    expected = VARIABLES[name]
    if used != expected:
        problems = []
        if expected - used:
            problems.append(f"missing {', '.join('{' + v + '}' for v in sorted(expected - used))}")
        if used - expected:
            problems.append(f"unknown {', '.join('{' + v + '}' for v in sorted(used - expected))}")
        raise ConfigError(f"prompt file {path}: {'; '.join(problems)}; it must use exactly "
                          f"{', '.join('{' + v + '}' for v in sorted(expected))}")
    return Prompt(name, template)
