"""`make lab` and `make test` find a Python that can install TensorFlow, or say how to get one.

Stand-in interpreters (tiny shell scripts that only report a version) play the machine's
Pythons; PATH holds nothing else, so no real Python is found and no environment is built.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

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
    assert re.search(r"^make test \|\| tested=\$\?\s*$", run, re.M), run
    # ... then prints each notebook's memory, and fails if make test failed.
    memory_log = run.index("cat build/notebook-memory.txt")
    failed = run.index('[ "$tested" -eq 0 ] || {')
    assert run.index("make test || tested") < memory_log < failed < run.index('await "$binder"')
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


# ---- make test: the unit and browser suites side by side (tools/run_tests.sh) ----


def _project_with_stand_in_suites(tmp_path, *, unit_exit=0, browser_exit=0, browser_sleep=1):
    """A copy of the Makefile and tools/ whose .venv holds stand-ins for ruff, python and
    pytest: each logs its start (with its process id and thread settings) and end, the
    pytest of the unit suite sleeps 1 s, the browser suite's (`pytest tests/ui`)
    `browser_sleep` s."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tools", project / "tools")
    shutil.copy(ROOT / "Makefile", project)
    (project / "pyproject.toml").write_text("")
    log = project / "calls.log"
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("ruff", "python", "pytest"):
        script = bin_dir / name
        script.write_text(
            "#!/bin/sh\n"
            f'echo "start {name} $* pid=$$ threads=$TF_NUM_INTRAOP_THREADS,$OMP_NUM_THREADS '
            f'wait=$AEHELPERS_UI_CHECKS_WAIT" >> "{log}"\n'
            f'case "{name} $*" in\n'
            f'  "pytest tests/ui") sleep {browser_sleep}; code={browser_exit} ;;\n'
            f'  pytest*) sleep 1; code={unit_exit} ;;\n'
            "  *) code=0 ;;\n"
            "esac\n"
            f'echo "end {name} $*" >> "{log}"\n'
            "exit $code\n"
        )
        script.chmod(0o755)
    stamp = project / ".venv" / ".installed"
    stamp.touch()
    os.utime(stamp, (2e9, 2e9))  # newer than pyproject.toml: nothing to install
    (project / "build" / "notebook-checks").mkdir(parents=True)
    (project / "build" / "notebook-checks" / "01_old.txt").write_text("an earlier run's")
    return project, log


def _make_test(project):
    # Neither make's own variables nor the settings under test come from this process.
    unset = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "AEHELPERS_UI_CHECKS_WAIT",
             "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS",
             "OPENBLAS_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([MAKE, "--no-print-directory", "test"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def _line(calls, prefix):
    return next(i for i, line in enumerate(calls) if line.startswith(prefix))


def test_make_test_runs_both_suites_at_once_on_one_thread_each(tmp_path):
    project, log = _project_with_stand_in_suites(tmp_path)
    done = _make_test(project)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = log.read_text().splitlines()
    browser_start = _line(calls, "start pytest tests/ui")
    unit_start = _line(calls, "start pytest --")
    browser_end, unit_end = _line(calls, "end pytest tests/ui"), _line(calls, "end pytest --")
    # Each started before the other ended: they ran at the same time.
    assert browser_start < unit_end and unit_start < browser_end, calls
    assert all("threads=1,1" in line for line in calls if line.startswith("start")), calls
    assert "wait=3600" in calls[browser_start], calls
    # Before either suite: the page cache's copies of .venv's libraries are dropped.
    drop = _line(calls, "start python benchmarks/notebook_stats.py --drop-cached-libraries .venv")
    assert drop < browser_start and drop < unit_start, calls
    checks = project / "build" / "notebook-checks"
    assert not (checks / "01_old.txt").exists()  # no stale figures
    assert (checks / "unit-suite-ended").is_file()  # the browser suite waits no longer
    assert "the browser suite's output" in done.stdout


@pytest.mark.parametrize(("unit_exit", "browser_exit"), [(1, 0), (0, 1)])
def test_make_test_fails_when_either_suite_fails(tmp_path, unit_exit, browser_exit):
    # A failed unit suite stops the browser suite at once (it would wait for figures).
    project, log = _project_with_stand_in_suites(
        tmp_path, unit_exit=unit_exit, browser_exit=browser_exit,
        browser_sleep=60 if unit_exit else 1)
    done = _make_test(project)
    assert done.returncode != 0
    failed = "unit" if unit_exit else "browser"
    assert f"the {failed} suite failed" in done.stderr, done.stdout + done.stderr
    if unit_exit:
        calls = log.read_text().splitlines()
        assert "end pytest tests/ui" not in calls, calls
        pid = int(re.search(r"pid=(\d+)", calls[_line(calls, "start pytest tests/ui")]).group(1))
        assert _state(pid) == "Z", "the browser suite still runs"


def _state(pid):
    """The process's state letter from /proc; Z (a zombie) when it has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
