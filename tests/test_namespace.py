"""The flat ``ae.`` namespace: built from every public module's ``__all__``, cheap to import."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import aehelpers
from aehelpers import _public_modules, _scan

PACKAGE = Path(aehelpers.__file__).parent


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_every_public_module_lists_its_names_in_all():
    for _module, path in _public_modules(PACKAGE):
        tree = ast.parse(path.read_text())
        assert any(isinstance(node, ast.Assign | ast.AnnAssign) and "__all__" in ast.dump(node)
                   for node in tree.body), f"aehelpers/{path.relative_to(PACKAGE)} has no __all__"


def test_every_listed_name_exists_in_its_module():
    for name, module in aehelpers._EXPORTS.items():
        assert hasattr(importlib.import_module(f"aehelpers.{module}"), name), (name, module)


def test_the_scanner_reads_subpackages_and_skips_private_modules(tmp_path):
    _write(tmp_path, {
        "top.py": '__all__ = ["a"]\n',
        "_private.py": '__all__ = ["hidden"]\n',
        "sub/__init__.py": '__all__ = ["from_init"]\n',
        "sub/deep.py": '__all__: list = ["b", "c"]\n',
        "sub/_helpers.py": '__all__ = ["also_hidden"]\n',
        "_privsub/__init__.py": "",
        "_privsub/mod.py": '__all__ = ["in_private_folder"]\n',
        "notapackage/mod.py": '__all__ = ["not_a_package"]\n',
    })
    assert _scan(tmp_path) == {"a": "top", "b": "sub.deep", "c": "sub.deep"}


def test_a_name_listed_twice_is_an_error(tmp_path):
    _write(tmp_path, {"one.py": '__all__ = ["same"]\n', "sub/__init__.py": "",
                      "sub/two.py": '__all__ = ["same"]\n'})
    with pytest.raises(ImportError, match="'same'.*one.*sub.two"):
        _scan(tmp_path)


def test_an_all_that_is_not_a_literal_is_an_error(tmp_path):
    _write(tmp_path, {"one.py": 'NAMES = ["x"]\n__all__ = NAMES\n'})
    with pytest.raises(ImportError, match="literal"):
        _scan(tmp_path)


def test_the_exercise_checks_and_diagrams_are_in_the_namespace():
    assert aehelpers._EXPORTS["check_frozen_weights"] == "exercises.notebook08"
    assert all(module.startswith("exercises.") for name, module in aehelpers._EXPORTS.items()
               if name.startswith("check_"))


def test_import_is_cheap_and_setup_notebook_runs_before_keras():
    code = ("import sys, aehelpers as ae\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
            "assert 'aehelpers.models' not in sys.modules\n"
            "ae.setup_notebook(verbose=False)\n"
            "import keras\n"
            "print(len(ae.__all__))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 40


def test_a_public_name_equal_to_a_module_name_is_an_error(tmp_path):
    # importing batches.py would set ae.batches to the module, hiding the function
    _write(tmp_path, {"batches.py": "__all__ = []\n", "training.py": '__all__ = ["batches"]\n'})
    with pytest.raises(ImportError, match="'batches'.*also the name of a module"):
        _scan(tmp_path)


def test_every_public_name_is_what_its_module_defines_whatever_was_imported_first():
    for name, module in aehelpers._EXPORTS.items():
        importlib.import_module(f"aehelpers.{module}")
        assert getattr(aehelpers, name) is getattr(
            importlib.import_module(f"aehelpers.{module}"), name), name
