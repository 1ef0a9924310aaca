"""Helpers for the autoencoders course, reached as one flat namespace: ``ae.<name>``.

``import aehelpers as ae`` is cheap: TensorFlow is imported only when a helper that
needs it is first used, so :func:`setup_notebook` can quiet TensorFlow's logs before
it starts talking.

Every public module lists its public names in its ``__all__``. This file reads those
lists without importing the modules (it parses their source) and makes each name
``ae.<name>``; a module is imported the first time one of its names is used. A module
or folder whose name starts with ``_`` is private and not read. A name listed by two
modules is an error, and so is a public name that is also the name of a module or folder
at the top of the package (importing that module would make ``ae.<name>`` the module).

Importing the package also keeps TensorFlow's oneDNN CPU kernels off unless
``TF_ENABLE_ONEDNN_OPTS`` says otherwise (see the comment below), and sets glibc's
``M_TOP_PAD`` for the whole process, so that each training step reuses the memory the step
before it freed; and ``setup_notebook`` has each cell collect its garbage and give free
memory back when it ends (``aehelpers/_memory.py``).
"""

import ast
import importlib
import os
from pathlib import Path

from ._memory import keep_freed_memory as _keep_freed_memory

__version__ = "0.1.0"

# Quiet TensorFlow's C++ start-up chatter (CUDA, oneDNN) before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# Keep TensorFlow's oneDNN CPU kernels off; TensorFlow turns them on by itself on CPUs with
# AVX-512 VNNI, BF16 or AMX. They train faster there, but raise a notebook kernel's memory
# by 60-130 MB, past the course's 1.2 GB budget (Binder gives 1-2 GB), and round
# differently from the kernels the course's checks were tuned with (benchmarks/RESULTS.md).
# Set TF_ENABLE_ONEDNN_OPTS=1 before importing aehelpers to have them.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# Let each training step reuse the memory the step before it freed (aehelpers/_memory.py).
_keep_freed_memory()


def _declared_names(path):
    """The names listed in the ``__all__`` of the Python file at ``path`` (parsed, not run)."""
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(getattr(target, "id", None) == "__all__" for target in targets):
            try:
                return list(ast.literal_eval(node.value))
            except ValueError:
                raise ImportError(f"{path}: __all__ must be a literal list of names") from None
    return []


def _public_modules(folder, prefix=""):
    """Yield (dotted module name, path) for every public module under ``folder``."""
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_dir() and (path / "__init__.py").is_file():
            yield from _public_modules(path, f"{prefix}{path.name}.")
        elif path.suffix == ".py":
            yield f"{prefix}{path.stem}", path


def _scan(folder):
    """Map every public name of the package to the module that defines it."""
    exports = {}
    for module, path in _public_modules(folder):
        for name in _declared_names(path):
            if name in exports:
                raise ImportError(f"aehelpers: {name!r} is listed in the __all__ of both "
                                  f"{exports[name]} and {module}; give one of them another name")
            exports[name] = module
    top_level = {path.stem for path in folder.iterdir() if not path.name.startswith(("_", "."))}
    for name, module in exports.items():
        if name in top_level:
            raise ImportError(f"aehelpers: the public name {name!r} (in {module}) is also the name "
                              "of a module of the package; importing that module would replace "
                              f"ae.{name} with the module: rename the module")
    return exports


# Public name -> module that defines it (e.g. "batches" -> "training").
_EXPORTS = _scan(Path(__file__).parent)

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aehelpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
