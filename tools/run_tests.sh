#!/usr/bin/env bash
# What `make test` runs: the unit suite (make test-unit) and the browser suite (make
# test-browser) side by side, TensorFlow and NumPy on one thread in each; the reasons are in
# the Makefile, above its test target. The unit suite's output is shown as it runs, the
# browser suite's (kept in build/test-browser.log) once both have ended. Fails when either
# suite fails. The browser suite waits for the unit suite's figures of each notebook; it is
# stopped (with SIGTERM, which it takes as Ctrl-C, so that it shuts its JupyterLab down) when
# the unit suite fails, and on Ctrl-C.
# Before either suite starts, the page cache's copies of the virtual environment's compiled
# libraries are dropped: the memory test measures each notebook kernel's RSS, which counts the
# library pages it maps, and right after pip has written them that is about 125 MB more
# (benchmarks/notebook_stats.py, drop_cached_libraries, says why).
# Usage: bash tools/run_tests.sh MAKE VENV   (the make program to call, as make passes $(MAKE);
#        the virtual environment's folder)
set -u
make_cmd=${1:-make}
venv=${2:-.venv}
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export AEHELPERS_UI_CHECKS_WAIT=${AEHELPERS_UI_CHECKS_WAIT:-3600}  # see tests/ui/test_notebooks_in_browser.py
checks=build/notebook-checks
ended=$checks/unit-suite-ended  # the browser suite stops waiting for figures once it exists

rm -rf "$checks"  # figures of an earlier run must not stand in for this run's
"$venv/bin/python" benchmarks/notebook_stats.py --drop-cached-libraries "$venv"
mkdir -p build
log=build/test-browser.log
set -m  # the browser suite in a process group of its own, so that all of it can be stopped
"$make_cmd" --no-print-directory test-browser > "$log" 2>&1 < /dev/null &
browser=$!
set +m
stopped=0  # 1 once the browser suite was stopped while still running
stop_browser() {  # SIGTERM, which the suite takes as Ctrl-C (tests/ui/conftest.py); then KILL
    kill -TERM -- -"$browser" 2>/dev/null || return 0
    stopped=1
    for _ in $(seq 60); do
        kill -0 -- -"$browser" 2>/dev/null || return 0
        sleep 1
    done
    kill -KILL -- -"$browser" 2>/dev/null
}
trap 'stop_browser; exit 130' INT
trap 'stop_browser; exit 143' TERM
trap stop_browser EXIT

"$make_cmd" --no-print-directory test-unit
unit=$?
mkdir -p "$checks" && touch "$ended"
[ "$unit" -eq 0 ] || stop_browser
wait "$browser"
status=$?
if [ "$stopped" -eq 0 ]; then
    echo "== make test: the browser suite's output (it ran beside the unit suite):"
else  # the stop closes Chromium too
    echo "== make test: the browser suite's output, stopped when the unit suite failed" \
         "(its tests that fail with 'Target ... has been closed' failed because of the stop):"
fi
cat "$log"
[ "$unit" -eq 0 ] || { echo "make test: the unit suite failed" >&2; exit 1; }
[ "$status" -eq 0 ] || { echo "make test: the browser suite failed" >&2; exit 1; }
