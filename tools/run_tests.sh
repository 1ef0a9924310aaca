#!/usr/bin/env bash
# What `make test` runs: the unit suite (make test-unit) and the browser suite (make
# test-browser) side by side, TensorFlow and NumPy on one thread in each; the reasons are in
# the Makefile, above its test target. The unit suite's output is shown as it runs, the
# browser suite's when it ends. Fails when either suite fails; stops the browser suite when
# the unit suite fails (it would wait for figures that never come) or on Ctrl-C.
# Usage: bash tools/run_tests.sh MAKE   (the make program to call; make passes $(MAKE))
set -u
make_cmd=${1:-make}
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export AEHELPERS_UI_CHECKS_WAIT=${AEHELPERS_UI_CHECKS_WAIT:-3600}  # see tests/ui/test_notebooks_in_browser.py

rm -rf build/notebook-checks  # figures of an earlier run must not stand in for this run's
mkdir -p build
log=build/test-browser.log
set -m  # the browser suite in a process group of its own, so that all of it can be stopped
"$make_cmd" --no-print-directory test-browser > "$log" 2>&1 &
browser=$!
set +m
stop_browser() { kill -- -"$browser" 2>/dev/null; }
trap 'stop_browser; exit 130' INT TERM
trap stop_browser EXIT

"$make_cmd" --no-print-directory test-unit
unit=$?
[ "$unit" -eq 0 ] || stop_browser
wait "$browser"
status=$?
echo "== make test: the browser suite's output (it ran beside the unit suite):"
cat "$log"
[ "$unit" -eq 0 ] || { echo "make test: the unit suite failed" >&2; exit 1; }
[ "$status" -eq 0 ] || { echo "make test: the browser suite failed" >&2; exit 1; }
