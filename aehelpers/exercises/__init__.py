"""Checks for the exercises at the end of every notebook, one file per notebook.

``notebookNN.py`` holds the checks of notebook NN; ``common.py`` the checks that several
notebooks share. Each public check is listed in its file's ``__all__`` and reached as
``ae.check_...``. The private helpers are ``_feedback.py`` (what a check prints: a verdict,
then a hint that grows stronger when the same mistake comes back), ``_inspect.py`` (reading a
learner's Keras model layer by layer) and ``_probe.py`` (training a learner's model briefly).

A check never raises for a wrong answer: it prints what is right or what to fix and returns
True or False. Only a wrong *option* of the check itself raises a TypeError or ValueError.
"""

import ast
from pathlib import Path


def _read_checks():
    """Map each public check name to the module that defines it, read from every __all__.

    The files are parsed, not imported, so ``import aehelpers`` stays cheap.
    """
    checks = {}
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name.startswith("_"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and getattr(node.targets[0], "id", None) == "__all__"):
                for name in ast.literal_eval(node.value):
                    if name in checks:
                        raise RuntimeError(f"{name} is defined in {checks[name]} and {path.stem}")
                    checks[name] = path.stem
    return checks


CHECKS = _read_checks()
