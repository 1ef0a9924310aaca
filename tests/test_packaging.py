"""The project's own files agree with each other: packages, version, links, commands."""

import importlib.metadata
import re
import subprocess
import sys

import yaml
from conftest import ROOT
from packaging.requirements import Requirement

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import aehelpers

# Binder has no GPU and takes the CPU-only build of the same package.
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}
# Needed by the course but not by the helpers themselves, or the reverse.
ONLY_IN_PYPROJECT = set()
ONLY_IN_ENVIRONMENT = set()


def _name(text):
    name = re.split(r"[<>=!~;\[ ]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")
    return SAME_PACKAGE.get(name, name)


def _pyproject():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _environment_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {_name(line): line for line in pip}


def test_environment_yml_and_pyproject_name_the_same_packages():
    project = _pyproject()
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]}
    pinned = set(_environment_pins())
    assert wanted - ONLY_IN_PYPROJECT == pinned - ONLY_IN_ENVIRONMENT


def test_environment_yml_pins_satisfy_pyproject_ranges():
    project = _pyproject()
    pins = _environment_pins()
    for text in project["dependencies"] + project["optional-dependencies"]["lab"]:
        requirement = Requirement(text)
        pin = pins[_name(text)]
        version = re.search(r"==\s*([\d.]+)", pin).group(1).rstrip(".")
        assert requirement.specifier.contains(version + ".0" * (2 - version.count("."))), pin


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
