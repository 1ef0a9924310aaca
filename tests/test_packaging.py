"""The project's own files agree with each other: packages, version, links, commands."""

import ast
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys

import nbformat
import yaml
from conftest import ROOT
from packaging.requirements import Requirement

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import aehelpers

# Needed by the course but not by the helpers themselves, or the reverse.
ONLY_IN_PYPROJECT = set()
# repo2docker's base environment has notebook 7.4, which requires jupyterlab<4.5; Binder's
# environment pins the notebook release that matches its jupyterlab.
ONLY_IN_ENVIRONMENT = {"notebook"}
# From pyproject's test extra: what a teacher on Binder needs for `pytest --nbval-lax notebooks/`.
TEACHER_TOOLS = {"pytest", "nbval"}
# Imported by aehelpers but not declared, each for a reason.
UNDECLARED_IMPORTS = {
    "absl": "absl-py comes with TensorFlow; config.py imports it in a try, only to quiet logs",
    "google": "google.colab exists only in Colab, where config.py looks for it",
}
COLAB_VERSIONS = ROOT / "tests" / "stacks" / "colab-versions.txt"


def _name(text):
    return re.split(r"[<>=!~;\[ ]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _environment_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {_name(line): line for line in pip}


def _course_requirements():
    """pyproject's runtime and lab needs, and the teacher's tools from its test extra."""
    project = _pyproject()
    extras = project["optional-dependencies"]
    tools = [r for r in extras["test"] if _name(r) in TEACHER_TOOLS]
    assert {_name(r) for r in tools} == TEACHER_TOOLS
    return project["dependencies"] + extras["lab"] + tools


def _colab_versions():
    lines = COLAB_VERSIONS.read_text().splitlines()
    pins = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    return {_name(name): version.strip() for name, version in pins}


def test_environment_yml_and_pyproject_name_the_same_packages():
    wanted = {_name(r) for r in _course_requirements()}
    pinned = set(_environment_pins())
    assert wanted - ONLY_IN_PYPROJECT == pinned - ONLY_IN_ENVIRONMENT


def test_environment_yml_pins_satisfy_pyproject_ranges():
    pins = _environment_pins()
    for text in _course_requirements():
        requirement = Requirement(text)
        pin = pins[_name(text)]
        version = re.search(r"==\s*([\d.]+)", pin).group(1).rstrip(".")
        assert requirement.specifier.contains(version + ".0" * (2 - version.count("."))), pin


def test_colab_versions_satisfy_every_requirement_of_the_colab_install_line():
    # The notebooks' Colab cell installs aehelpers with its runtime dependencies (no extras):
    # when Colab's version of each already satisfies them, pip upgrades nothing under the
    # running kernel. Every dependency must be in Colab's table, so none goes unchecked.
    colab = _colab_versions()
    for text in _pyproject()["dependencies"]:
        requirement = Requirement(text)
        name = _name(text)
        assert name in colab, f"{name} is not in {COLAB_VERSIONS.name}: add Colab's version"
        assert requirement.specifier.contains(colab[name]), (
            f"pyproject asks for {text}, Colab has {name} {colab[name]}: the Colab install "
            "would upgrade it under a running kernel; lower the bound"
        )


def test_every_package_aehelpers_imports_is_declared():
    distributions = importlib.metadata.packages_distributions()
    declared = {_name(r) for r in _pyproject()["dependencies"]}
    imported = set()
    for path in (ROOT / "aehelpers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"aehelpers"}
    assert {"keras", "PIL", "IPython"} <= third_party  # the walk does see the imports
    for module in sorted(third_party - set(UNDECLARED_IMPORTS)):
        assert module in distributions, f"aehelpers imports {module}, which is not installed"
        names = {_name(d) for d in distributions[module]}
        assert names & declared, f"aehelpers imports {module} ({names}): declare it in pyproject"


def test_sync_notebooks_writes_the_release_tag_into_a_copy(tmp_path):
    # A copy of the files the tool reads and writes, with another version: the real
    # notebooks are left alone.
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    notebooks = sorted((tmp_path / "notebooks").glob("*.ipynb"))
    before = {path.name: nbformat.read(path, as_version=4) for path in notebooks}
    (tmp_path / "aehelpers").mkdir()
    init = (ROOT / "aehelpers" / "__init__.py").read_text()
    init, count = re.subn(r"__version__ = \S+", '__version__ = "9.8.7"', init)
    assert count == 1
    (tmp_path / "aehelpers" / "__init__.py").write_text(init)
    tool = [sys.executable, str(ROOT / "tools" / "sync_notebooks.py"), "--root", str(tmp_path)]

    stale = subprocess.run([*tool, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "01_3d_to_2d.ipynb" in stale.stdout, stale.stdout
    written = subprocess.run(tool, capture_output=True, text=True)
    assert written.returncode == 0, written.stdout + written.stderr
    again = subprocess.run([*tool, "--check"], capture_output=True, text=True)
    assert again.returncode == 0, again.stdout

    url = _pyproject()["urls"]["Repository"].rstrip("/")
    for path in notebooks:
        new = nbformat.read(path, as_version=4)
        nbformat.validate(new)
        old = before[path.name]
        sources = "".join(cell.source for cell in new.cells)
        assert f'"aehelpers @ git+{url}@v9.8.7"' in sources, f"{path.name}: no v9.8.7 install line"
        # Nothing but the install line changed: same cells, same text elsewhere.
        assert len(new.cells) == len(old.cells)
        for old_cell, new_cell in zip(old.cells, new.cells, strict=True):
            unpinned = re.sub(r"(git\+\S+?)@v[\d.]+\"", r'\1"', new_cell.source)
            assert re.sub(r"(git\+\S+?)(@v[\d.]+)?\"", r'\1"', old_cell.source) == unpinned


def test_version_is_written_once_and_installed_from_there():
    assert importlib.metadata.version("aehelpers") == aehelpers.__version__
    assert "version =" not in (ROOT / "pyproject.toml").read_text().split("[project]")[1].split(
        "[project.optional-dependencies]"
    )[0].replace("dynamic", "")


def test_badges_and_install_lines_follow_the_repository_url():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync_notebooks.py"), "--check"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_gives_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^make test\b", (ROOT / ".ci" / "run").read_text(), re.M)


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert path.name in readme, f"README does not list {path.name}"


def test_jupyterlab_has_the_widget_and_plotly_extensions_enabled():
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True, text=True, timeout=120,
    )
    listing = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    for extension in ("@jupyter-widgets/jupyterlab-manager", "jupyterlab-plotly"):
        line = next((ln for ln in listing.splitlines() if extension in ln), "")
        assert "enabled" in line and "OK" in line, f"{extension} not enabled:\n{listing}"


def _copy_for_sync(tmp_path):
    """A copy of what tools/sync_notebooks.py reads and writes, so the real files stay."""
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("notebooks", "docs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(ROOT / "aehelpers", tmp_path / "aehelpers",
                    ignore=shutil.ignore_patterns("__pycache__"))


def test_sync_notebooks_writes_a_changed_run_time_into_the_teachers_guide(tmp_path):
    _copy_for_sync(tmp_path)
    path = tmp_path / "notebooks" / "07_anomaly_detection.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source, count = re.subn(r"Run time: [^\n]*?\)\.",
                                        "Run time: about 9 min on a 2-core CPU (quick mode: "
                                        "about 3 min).", nb.cells[0].source)
    assert count == 1
    nbformat.write(nb, path)
    tool = [sys.executable, str(ROOT / "tools" / "sync_notebooks.py"), "--root", str(tmp_path)]
    stale = subprocess.run([*tool, "--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "teaching.md" in stale.stdout, stale.stdout
    assert subprocess.run(tool, capture_output=True, text=True).returncode == 0
    guide = (tmp_path / "docs" / "teaching.md").read_text()
    assert ("| 07 | Anomaly detection with reconstruction error | about 9 min on a 2-core CPU "
            "(quick mode: about 3 min) |") in guide
    section = guide.split("## 07 · ")[1].split("\n## ")[0]
    assert "**Run time.** About 9 min on a 2-core CPU (quick mode: about 3 min)." in section
    assert guide.lower().count("about 9 min") == 2  # the table and 07's section alone


def test_sync_notebooks_writes_the_measured_run_times_from_the_benchmark(tmp_path):
    _copy_for_sync(tmp_path)
    rows = [  # 01 and 02 measured (02 also on its 60k stand-in), 03 failed, the rest absent
        {"notebook": "01_3d_to_2d.ipynb", "mode": "quick", "seconds": 21.0, "error": None},
        {"notebook": "01_3d_to_2d.ipynb", "mode": "full", "seconds": 131.0, "error": None},
        {"notebook": "02_mnist_autoencoder.ipynb", "mode": "quick", "seconds": 80.0, "error": None},
        {"notebook": "02_mnist_autoencoder.ipynb", "mode": "full", "seconds": 44.0, "error": None},
        {"notebook": "02_mnist_autoencoder.ipynb", "mode": "full, 60k stand-in", "seconds": 38.0,
         "error": None},
        {"notebook": "03_deep_fashion_autoencoder.ipynb", "mode": "quick", "seconds": 9.0,
         "error": None},
        {"notebook": "03_deep_fashion_autoencoder.ipynb", "mode": "full", "seconds": 9.0,
         "error": "CellExecutionError"},
    ]
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text(
        json.dumps({"sections": {"3": {"rows": rows}}}))
    before = {p.name: nbformat.read(p, as_version=4).cells[0].source
              for p in (tmp_path / "notebooks").glob("*.ipynb")}
    tool = [sys.executable, str(ROOT / "tools" / "sync_notebooks.py"), "--root", str(tmp_path)]
    done = subprocess.run([*tool, "--run-times"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    def first_cell(name):
        return nbformat.read(tmp_path / "notebooks" / name, as_version=4).cells[0].source

    assert ("Run time: about 2 min on a 2-core CPU (quick mode: < 1 min)."
            in first_cell("01_3d_to_2d.ipynb"))
    assert ("Run time: about 40 s on a 2-core CPU with all 60,000 digits (quick mode: about "
            "1.5 min)." in first_cell("02_mnist_autoencoder.ipynb"))
    for name, source in before.items():  # a failed or missing run changes nothing
        if not name.startswith(("01", "02")):
            assert first_cell(name) == source, name
    readme = (tmp_path / "README.md").read_text()
    assert "| about 2 min on a 2-core CPU (quick mode: < 1 min) |" in readme
    assert subprocess.run([*tool, "--check"], capture_output=True, text=True).returncode == 0
    refused = subprocess.run([*tool, "--check", "--run-times"], capture_output=True, text=True)
    assert refused.returncode == 2 and "--run-times" in refused.stderr
