"""Installing the course the way the notebooks' Colab cell does upgrades none of Colab's
packages: it only adds aehelpers. Run by tests/stacks/colab.sh, which writes the two
``pip freeze`` files (before and after the install) and names them in COLAB_FREEZE_BEFORE
and COLAB_FREEZE_AFTER. Not collected by a plain ``pytest`` (its name is not test_*.py).
"""

import os
from pathlib import Path

import pytest
from colab_stack import compare, parse_freeze

PINS = Path(__file__).resolve().parent / "colab-versions.txt"


def freeze(variable):
    path = os.environ.get(variable)
    if not path:
        pytest.fail(f"{variable} is not set: run this through bash tests/stacks/colab.sh")
    return parse_freeze(Path(path).read_text())


def colab_pins():
    return parse_freeze(PINS.read_text())


def test_the_venv_has_exactly_colabs_versions_before_the_install():
    before = freeze("COLAB_FREEZE_BEFORE")
    wrong = {name: (version, before.get(name)) for name, version in colab_pins().items()
             if before.get(name) != version}
    assert wrong == {}, f"Colab's version vs the venv's: {wrong}"


def test_installing_the_course_changes_no_package_and_adds_only_aehelpers():
    changed, added, removed = compare(freeze("COLAB_FREEZE_BEFORE"), freeze("COLAB_FREEZE_AFTER"))
    assert changed == {}, f"the Colab install line changed these (old, new): {changed}"
    assert removed == set()
    assert added == {"aehelpers"}


def test_the_comparison_sees_an_upgrade_an_addition_and_a_removal():
    before = parse_freeze("numpy==2.1.3\nKeras==3.13.2\nsix==1.17.0\n")
    after = parse_freeze("numpy==2.4.0\nkeras==3.13.2\naehelpers @ file:///tmp/x\nrich==14.0\n")
    changed, added, removed = compare(before, after)
    assert changed == {"numpy": ("2.1.3", "2.4.0")}
    assert added == {"aehelpers", "rich"} and removed == {"six"}
