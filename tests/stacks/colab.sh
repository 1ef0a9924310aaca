#!/usr/bin/env bash
# The course on Colab's stack: Python 3.13 with exactly the package versions Colab ships
# (tests/stacks/colab-versions.txt), in the virtual environment .venv-colab.
#   1. install Colab's versions (kept between runs; rebuilt when the table changes);
#   2. install the course the way the notebooks' Colab cell does (its own pip line, from this
#      checkout instead of GitHub) and prove with `pip freeze` before/after that no package
#      of Colab's changed (check_colab_install.py);
#   3. run every notebook in quick mode (nbval), the widget tests, and the ipywidgets-7
#      front-end test (classic Notebook 6.5 in headless Chromium) in that environment.
# Run from anywhere: bash tests/stacks/colab.sh (make test-colab). Needs the package
# registries (first run) and Chromium (installed with apt-get when missing and root).
# `colab.sh prepare` does steps 1-2 and installs the test tools only (CI starts it early, in
# the background, while other tests run); `colab.sh test` then does the rest on that venv.
set -euo pipefail
phase=${1:-all}
case "$phase" in all|prepare|test) ;; *) echo "usage: colab.sh [prepare|test]" >&2; exit 2;; esac
cd "$(dirname "$0")/../.."

STACKS=tests/stacks
PINS=$STACKS/colab-versions.txt
VENV=.venv-colab
PY=$VENV/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYDEVD_DISABLE_FILE_VALIDATION=1  # debugpy's "frozen modules" note on Python 3.13
started=$SECONDS

# --- Python 3.13 (Colab's), from pyenv or the PATH; never skipped.
find_python() {
    local candidate prefix
    for candidate in "${COLAB_PYTHON:-}" \
        "$(command -v pyenv >/dev/null && prefix=$(pyenv prefix 3.13.0 2>/dev/null) && echo "$prefix/bin/python3.13")" \
        "$(command -v pyenv >/dev/null && prefix=$(pyenv prefix 3.13 2>/dev/null) && echo "$prefix/bin/python3.13")" \
        "$(command -v python3.13 || true)"; do
        if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
if ! PYTHON313=$(find_python); then
    echo "colab.sh: FAILED: no Python 3.13 found (Colab's Python). Tried COLAB_PYTHON," \
         "'pyenv prefix 3.13.0' and python3.13 on the PATH. Install it (pyenv install 3.13)" \
         "or point COLAB_PYTHON at one." >&2
    exit 1
fi

if [ "$phase" != test ]; then
# --- 1. Colab's versions. A venv made by an earlier run is reused: what that run added on
# top (the course, the test tools) is removed, changed versions are put back, and a changed
# table is applied. The stamp says which Python it was made with.
stamp="$("$PYTHON313" -VV | head -1)"
if [ ! -x "$PY" ] || [ ! -f "$VENV/colab-base.txt" ] \
        || [ "$(cat "$VENV/.colab-stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "== building $VENV with $("$PYTHON313" -V) and Colab's versions"
    rm -rf "$VENV"
    "$PYTHON313" -m venv "$VENV"
    echo "$stamp" > "$VENV/.colab-stamp"
else
    echo "== reusing $VENV: back to Colab's versions only"
    "$PY" -m pip freeze > "$VENV/now.txt"
    extras=$("$PY" $STACKS/colab_stack.py extras "$VENV/colab-base.txt" "$VENV/now.txt")
    if [ -n "$extras" ]; then
        # shellcheck disable=SC2086  # one name per word
        "$PY" -m pip uninstall -q -y $extras
    fi
    "$PY" -m pip install -q -r "$VENV/colab-base.txt"
fi
"$PY" -m pip install -q -r "$PINS"
"$PY" -m pip freeze > "$VENV/colab-base.txt"

# --- 2. The notebooks' Colab install line, from this checkout (a copy, as a clone would be).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PY" -m pip freeze > "$VENV/freeze-before.txt"
"$PY" $STACKS/colab_stack.py copy-tree "$work/src"
mapfile -t install_args < <("$PY" $STACKS/colab_stack.py install-line "$work/src")
echo "== the Colab cell: %pip ${install_args[*]}"
"$PY" -m pip "${install_args[@]}"
"$PY" -m pip freeze > "$VENV/freeze-after.txt"

# --- 3. The test tools, constrained to the versions now installed so they change none of them
# (widgetsnbextension left free: its newest 3.6 renders no widget in Notebook 6.5, see
# tests/ui/test_widgets7_frontend.py; Colab's own front end does not use it).
"$PY" $STACKS/colab_stack.py constraints "$VENV/freeze-after.txt" widgetsnbextension \
    > "$work/constraints.txt"
"$PY" -m pip install -q -c "$work/constraints.txt" pytest nbval playwright \
    "widgetsnbextension==3.6.1"
echo "== Colab's stack ready after $((SECONDS - started)) s"
fi
[ "$phase" = prepare ] && exit 0
[ -f "$VENV/freeze-after.txt" ] || { echo "colab.sh: FAILED: run 'colab.sh prepare' first" >&2; exit 1; }
if [ -z "${work:-}" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

export COLAB_FREEZE_BEFORE="$VENV/freeze-before.txt" COLAB_FREEZE_AFTER="$VENV/freeze-after.txt"
"$PY" -m pytest -q -p no:randomly $STACKS/check_colab_install.py

# --- 4. Every notebook in quick mode, the widget tests, the ipywidgets-7 front end.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "colab.sh: FAILED: Chromium is missing: apt-get install chromium" >&2
        exit 1
    fi
fi
if [ -z "${AEHELPERS_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    AEHELPERS_DATA_DIR="$(cd ../shared/data && pwd)"
    export AEHELPERS_DATA_DIR
fi
export AEHELPERS_QUICK=1
export AEHELPERS_REQUIRE_BROWSER=1 AEHELPERS_REQUIRE_WIDGETS7=1  # fail, never skip
export AEHELPERS_CACHE_DIR="$work/cache"
mkdir -p "$AEHELPERS_CACHE_DIR"
"$PY" -m pytest -p no:randomly notebooks/ tests/test_config.py tests/test_widget*.py \
    tests/ui/test_widgets7_frontend.py
echo "== Colab's stack passed in $((SECONDS - started)) s"
