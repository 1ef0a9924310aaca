"""Every notebook is stored clean and follows the course's shape."""

import json
import re

import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"])


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


def test_notebook_is_numbered(notebook):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", notebook.name)


def test_notebook_is_stored_without_outputs(notebook):
    for cell in _cells(notebook):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None


def test_notebook_opens_with_title_badges_objectives_and_run_time(notebook):
    first = _source(_cells(notebook)[0])
    assert first.startswith(f"# {notebook.name[:2]}")
    assert "<!-- badges -->" in first
    text = "\n".join(_source(c) for c in _cells(notebook)[:3] if c["cell_type"] == "markdown")
    assert re.search(r"you will be able to", text, re.I)
    assert re.search(r"run time", text, re.I)


def test_setup_quiets_tensorflow_before_anything_imports_it(notebook):
    code = "\n".join(_source(c) for c in _cells(notebook) if c["cell_type"] == "code")
    setup = code.find("ae.setup_notebook(")
    assert setup >= 0, "no ae.setup_notebook() call"
    for module in ("keras", "tensorflow"):
        first = re.search(rf"^\s*(import|from) {module}\b", code, re.M)
        assert first is None or first.start() > setup, f"{module} imported before setup"


def test_notebook_ends_with_real_checks(notebook):
    cells = _cells(notebook)
    headings = [i for i, c in enumerate(cells) if _source(c).startswith("## Checks")]
    assert headings, "no '## Checks' section"
    after = "\n".join(_source(c) for c in cells[headings[-1]:] if c["cell_type"] == "code")
    assert len(re.findall(r"^\s*assert ", after, re.M)) >= 2
    # The checked figures are printed: the restart test compares them between two runs.
    assert "print(" in after
