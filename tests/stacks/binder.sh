#!/usr/bin/env bash
# Binder's stack (make test-binder): build the environment Binder builds from environment.yml
# and postBuild, then prove that it is whole (pip check), that JupyterLab's widget and plotly
# extensions are enabled and compatible, and that a notebook runs in it (nbval, quick mode).
#
# Binder builds with conda: repo2docker's base environment for environment.yml's python=3.11,
# then `mamba env update` with environment.yml, whose pip section pip installs with -U. There
# is no conda here (nor in CI), so this uses a venv of the same Python: first repo2docker's
# base pins (tests/stacks/binder-base.txt, the part pip can install), then environment.yml's
# pip packages read from the file itself, then postBuild, as Binder runs it.
# The venv (.venv-binder, gitignored) is kept and reused while environment.yml and the base
# pins are unchanged (a hash stamp), so a rerun only repeats the checks.
# Any failure stops the script with a message and a non-zero exit; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=${BINDER_VENV:-.venv-binder}
NOTEBOOK=${BINDER_NOTEBOOK:-notebooks/01_3d_to_2d.ipynb}   # the fastest notebook
BASE=tests/stacks/binder-base.txt
start=$SECONDS
step() { printf '\n== binder: %s (at %ds)\n' "$1" $((SECONDS - start)); }
fail() { printf 'binder: FAILED: %s\n' "$*" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The Python environment.yml asks for (python=3.11): on PATH as python3.11, or from pyenv.
version=$(sed -n 's/^ *- *python *=* *\([0-9][0-9.]*\).*/\1/p' environment.yml | head -n 1)
[ -n "$version" ] || fail "environment.yml names no python=X.Y"
python=""
for candidate in "python$version" "$(pyenv prefix "$version" 2>/dev/null)/bin/python"; do
    if found=$(command -v "$candidate" 2>/dev/null) \
        && [ "$("$found" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]; then
        python=$found
        break
    fi
done
[ -n "$python" ] || fail "no Python $version found (environment.yml's python=$version): install it (for example pyenv install $version) and run again"

stamp=$(cat environment.yml "$BASE" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$VENV/.binder-stamp" 2>/dev/null)" = "$stamp" ]; then
    step "reusing $VENV (built from this environment.yml and base)"
else
    step "building $VENV with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    step "repo2docker's base environment ($BASE)"
    "$VENV/bin/python" -m pip install --quiet -r "$BASE"
    step "environment.yml's pip packages (pip install -U, as mamba env update does)"
    "$VENV/bin/python" - >"$scratch/requirements.txt" <<'PY'
import yaml

with open("environment.yml") as f:
    dependencies = yaml.safe_load(f)["dependencies"]
pip = [d["pip"] for d in dependencies if isinstance(d, dict) and "pip" in d]
assert len(pip) == 1 and pip[0], "environment.yml has no pip: list"
print("\n".join(pip[0]))
PY
    cat "$scratch/requirements.txt"
    "$VENV/bin/python" -m pip install --quiet -U -r "$scratch/requirements.txt"
    echo "$stamp" >"$VENV/.binder-stamp"
fi

step "postBuild (no internet here but the package registries: it must still succeed)"
# Its data download goes to a scratch Keras home, not the user's ~/.keras.
PATH="$PWD/$VENV/bin:$PATH" KERAS_HOME="$scratch/keras" bash postBuild 2>&1 | tee "$scratch/postBuild.log" \
    || fail "postBuild exited with an error"
grep -q "^postBuild: " "$scratch/postBuild.log" || fail "postBuild said nothing about the data"

step "pip check"
"$VENV/bin/python" -m pip check || fail "the Binder environment has conflicting requirements"

step "jupyter labextension list"
"$VENV/bin/jupyter" labextension list >"$scratch/extensions.txt" 2>&1 \
    || fail "jupyter labextension list failed: $(cat "$scratch/extensions.txt")"
sed -i 's/\x1b\[[0-9;]*m//g' "$scratch/extensions.txt"
cat "$scratch/extensions.txt"
for extension in @jupyter-widgets/jupyterlab-manager jupyterlab-plotly; do
    grep -E "^ +$extension .* enabled +OK" "$scratch/extensions.txt" >/dev/null \
        || fail "$extension is not listed as enabled and OK"
done
if grep -Ei "incompatib|outdated|disabled| X( |$)" "$scratch/extensions.txt"; then
    fail "an extension is flagged (lines above)"
fi

step "one notebook with nbval in quick mode: $NOTEBOOK"
AEHELPERS_QUICK=1 AEHELPERS_CACHE_DIR="$scratch/cache" \
    "$VENV/bin/python" -m pytest -q "$NOTEBOOK" || fail "$NOTEBOOK failed in the Binder environment"

step "passed"
echo "binder: passed in $((SECONDS - start)) s"
