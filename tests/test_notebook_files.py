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


def _sections(notebook):
    """The '## ' headings of the notebook's markdown cells, in order."""
    return [line for c in _cells(notebook) if c["cell_type"] == "markdown"
            for line in _source(c).splitlines() if line.startswith("## ")]


def _public_names(folder):
    """Every name in the __all__ of the modules of an aehelpers subpackage."""
    import ast

    names = set()
    for path in (ROOT / "aehelpers" / folder).glob("[!_]*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
                names.update(ast.literal_eval(node.value))
    return names


def test_notebook_draws_a_diagram_of_its_idea(notebook):
    diagrams = _public_names("diagrams")
    code = "\n".join(_source(c) for c in _cells(notebook) if c["cell_type"] == "code")
    called = {name for name in diagrams if re.search(rf"\bae\.{name}\(", code)}
    assert called, f"no call to a diagram of aehelpers/diagrams ({sorted(diagrams)})"


def test_notebook_ends_with_exercises_then_further_reading(notebook):
    sections = _sections(notebook)
    assert sections[-1].startswith("## Further reading"), sections[-1]
    assert "## Exercises" in [s.strip() for s in sections], sections
    reading = _source(next(c for c in _cells(notebook)
                           if _source(c).lstrip().startswith("## Further reading")))
    # Primary sources: list items, each with a year in brackets or after the authors.
    items = [line for line in reading.splitlines() if line.lstrip().startswith(("- ", "* "))]
    assert len(items) >= 2, reading
    assert all(re.search(r"\b(19|20)\d\d\b", item) for item in items), items


# Words about how the course's own test machines get their data: a learner has the full
# data sets from Keras and must never read about these.
MAINTAINER_WORDS = re.compile(
    r"offline cop|local cop|shared/data|AEHELPERS_DATA_DIR|test machine|\bCI\b|"
    r"10,000 training digits|stand-in", re.I)


def test_learner_text_says_nothing_about_test_machines_or_offline_copies(notebook):
    for cell in _cells(notebook):
        found = MAINTAINER_WORDS.search(_source(cell))
        assert found is None, f"{found.group(0)!r} in: {_source(cell)[:200]}"


def test_each_builds_the_same_claim_is_proven_by_a_layer_by_layer_test(notebook):
    claims = set()
    for cell in _cells(notebook):
        for sentence in re.split(r"(?<=[.!?])\s", _source(cell)):
            if re.search(r"\bsame\b", sentence) and re.search(r"\bbuild(s|ing)?\b", sentence):
                claims.update(re.findall(r"\b(build_\w+)\(", sentence))
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_claims_*.py"))
    for builder in sorted(claims):
        assert re.search(rf"{notebook.name[:2]}_\w+\.ipynb", tests) and builder in tests, (
            f"{notebook.name} claims ae.{builder} builds the same model: no tests/test_claims_*.py "
            "compares them layer by layer")


def test_notebook_is_a_valid_nbformat_file(notebook):
    import nbformat

    nbformat.validate(nbformat.reads(notebook.read_text(), as_version=4))  # raises if not
    assert nbformat.reads(notebook.read_text(), as_version=4).cells


def test_pca_baselines_are_clipped_and_fitted_on_the_models_training_images(notebook):
    """A PCA that stands against an autoencoder is fitted on all of ``x_train``, the images
    the notebook's models train on, and its reconstructions are clipped to the pixels' range
    [0, 1], as every model's sigmoid output is (an unclipped PCA would flatter the models)."""
    code = "\n".join(_source(c) for c in _cells(notebook) if c["cell_type"] == "code")
    if "def pca_reconstruct" not in code:
        pytest.skip("no PCA baseline for an autoencoder here")
    fits = re.findall(r"PCA\([^)]*\)\.fit\(([^\n]*)\)\n", code)
    assert fits, "pca_reconstruct without a PCA(...).fit(...) call"
    for argument in fits:
        assert re.fullmatch(r"x_train\.reshape\(.*\)", argument), argument
    body = code[code.index("def pca_reconstruct"):].split("\n\n")[0]
    assert re.search(r"np\.clip\(pca\.inverse_transform\(\w+\), 0, 1\)", body), body
