"""`make lab` and `make test` find a Python that can install TensorFlow, or say how to get one.

Stand-in interpreters (tiny shell scripts that only report a version) play the machine's
Pythons; PATH holds nothing else, so no real Python is found and no environment is built.
"""

import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _stand_in(folder, name, version):
    """Write an executable `name` that reports `version` and fails at anything else."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *version_info*) echo {version} ;; '
        f'*) echo "$0 $*" >> "{folder / "calls.log"}"; exit 3 ;; esac\n'
    )
    path.chmod(0o755)
    return path


def _make(*args, path):
    """Run make in the project with only `path` on PATH; return the finished process."""
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=ROOT, env={"PATH": str(path), "HOME": str(path)},
        capture_output=True, text=True, timeout=60,
    )


def _script_versions():
    text = (ROOT / "tools" / "find_python.sh").read_text()
    return re.search(r'^VERSIONS="([\d. ]+)"', text, re.M).group(1).split()


def test_the_pythons_tried_are_the_ones_pyproject_allows():
    with open(ROOT / "pyproject.toml", "rb") as f:
        allowed = SpecifierSet(tomllib.load(f)["project"]["requires-python"])
    minors = [f"3.{minor}" for minor in range(6, 20)]
    assert sorted(_script_versions()) == sorted(v for v in minors if allowed.contains(v + ".0"))
    assert not allowed.contains("3.14.0") and not allowed.contains("3.9.0")


@pytest.mark.parametrize("target", ["lab", "test"])
def test_python3_314_makes_the_venv_with_python312_instead(tmp_path, target):
    bin_dir = tmp_path / "bin"
    _stand_in(bin_dir, "python3", "3.14")
    python312 = _stand_in(bin_dir, "python3.12", "3.12")
    venv = tmp_path / "venv"

    done = _make(target, f"VENV={venv}", path=bin_dir)

    # The stand-in cannot make a venv (exit 3), so make stops there: it chose python3.12.
    assert done.returncode != 0
    calls = (bin_dir / "calls.log").read_text()
    assert calls == f"{python312} -m venv --clear {venv}\n"
    assert f"{python312} -m venv --clear {venv}" in done.stdout
    assert "No Python" not in done.stderr


def test_a_python_installed_with_pyenv_is_found(tmp_path):
    bin_dir = tmp_path / "bin"
    _stand_in(bin_dir, "python3", "3.14")
    prefix = tmp_path / "pyenv" / "versions" / "3.11.7"
    python311 = _stand_in(prefix / "bin", "python3.11", "3.11")
    pyenv = bin_dir / "pyenv"
    pyenv.write_text(f'#!/bin/sh\n[ "$*" = "prefix 3.11" ] && echo {prefix} || exit 1\n')
    pyenv.chmod(0o755)

    done = _make("-s", "find-python", path=bin_dir)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(python311)


@pytest.mark.parametrize(("target", "version"), [("lab", "3.14"), ("test", "3.14"), ("lab", "3.9")])
def test_without_a_supported_python_make_stops_with_one_message(tmp_path, target, version):
    bin_dir = tmp_path / "bin"
    _stand_in(bin_dir, "python3", version)
    venv = tmp_path / "venv"

    done = _make(target, f"VENV={venv}", path=bin_dir)

    assert done.returncode != 0
    assert not venv.exists() and not (bin_dir / "calls.log").exists()
    message = done.stderr
    assert message.count("No Python that can run this course was found") == 1
    assert f"python3 is Python {version}" in message
    assert "needs Python 3.10 to 3.13" in message
    assert "pyenv install 3.13" in message and "make lab PYTHON=" in message
    # Nothing else: no traceback, no pip resolver text.
    assert "Traceback" not in message and "pip" not in message.replace("python", "")


def test_a_python_named_on_the_command_line_is_the_only_one_tried(tmp_path):
    bin_dir = tmp_path / "bin"
    _stand_in(bin_dir, "python3.12", "3.12")
    chosen = _stand_in(tmp_path / "elsewhere", "python3.14", "3.14")

    refused = _make("-s", "find-python", f"PYTHON={chosen}", path=bin_dir)
    found = _make("-s", "find-python", path=bin_dir)

    assert refused.returncode != 0 and f"{chosen} is Python 3.14" in refused.stderr
    assert found.returncode == 0 and found.stdout.strip() == str(bin_dir / "python3.12")


@pytest.mark.parametrize(("uid", "flag"), [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(tmp_path, uid, flag):
    bin_dir = tmp_path / "bin"
    id_ = bin_dir / "id"
    bin_dir.mkdir()
    id_.write_text(f'#!/bin/sh\n[ "$1" = "-u" ] && echo {uid}\n')
    id_.chmod(0o755)

    done = _make("-n", "lab", f"VENV={tmp_path / 'venv'}", path=bin_dir)

    assert done.returncode == 0, done.stderr
    command = next(line for line in done.stdout.splitlines() if "jupyter lab" in line)
    assert ("--allow-root" in command) == flag, command


def test_ci_runs_the_test_suite_then_the_colab_and_binder_stacks():
    run = (ROOT / ".ci" / "run").read_text()
    # make test in the foreground; the Colab stack (prepare, then test: what make test-colab
    # runs) and make test-binder in the background, each awaited so that a failure fails CI.
    assert re.search(r"^make test\s*$", run, re.M), run
    assert re.search(r"colab\.sh prepare && .*colab\.sh test", run), run
    assert re.search(r"make test-binder .*&$", run, re.M), run
    assert re.search(r'^await "\$colab"', run, re.M) and re.search(r'^await "\$binder"', run, re.M)
    # ... on one TensorFlow thread each, leaving the cores to make test when it needs them.
    assert re.search(r"^ONE_THREAD=\(env TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1", run,
                     re.M)
    one_thread = r'"\$\{ONE_THREAD\[@\]\}" (bash tests/stacks|make test-binder)'
    assert len(re.findall(one_thread, run)) == 3
    for target, script in (("test-colab", "colab.sh"), ("test-binder", "binder.sh")):
        # Under `make test`, make passes MAKEFLAGS/MAKELEVEL down and a nested make prints
        # "Entering directory" lines: run it as if from a shell.
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        done = subprocess.run(
            [MAKE, "--no-print-directory", "-n", target], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=60,
        )
        assert done.stdout.strip() == f"bash tests/stacks/{script}", done.stdout + done.stderr
