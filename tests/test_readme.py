"""The README's Python example runs as written (with a temporary store)."""

import re

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Use it from Python\s+```python\n(.*?)```", readme, re.S).group(1)
    code = code.replace('"/tmp/assistant-demo"', repr(str(tmp_path / "store")))
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert "2.50 dollars" in namespace["answer"].answer
    assert namespace["answer"].citations[0].source == "pricing.html"
    assert "Okafor" in namespace["follow_up"].rewritten_question or namespace["follow_up"].rewritten_question
    assert "2019" in namespace["result"].answer


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text()
