#!/bin/sh
# Print the path of a Python that can run this course, for the Makefile to build .venv with.
# TensorFlow publishes wheels for Python 3.10 to 3.13 only (pyproject.toml's requires-python
# says the same; tests/test_make.py checks that the two agree), so a newer python3 (3.14) or an
# older one (3.9) cannot install the course. Tried in order: python3, python3.13 ... python3.10
# on PATH, then the versions pyenv has installed. With an argument (make lab PYTHON=...), only
# that one. When none fits, one message on stderr says how to get one, and the exit status is 1.
# Uses only shell builtins (command -v, case), so it works with any PATH.
VERSIONS="3.13 3.12 3.11 3.10"
NEWEST=${VERSIONS%% *}
OLDEST=${VERSIONS##* }
found=""

try() {
    path=$(command -v "$1" 2>/dev/null) || return 0
    if ! version=$("$path" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
        found="$found, $1 does not run"
        return 0
    fi
    case " $VERSIONS " in
        *" $version "*) echo "$path"; exit 0 ;;
    esac
    found="$found, $1 is Python $version"
}

if [ -n "${1:-}" ]; then
    try "$1"
else
    try python3
    for version in $VERSIONS; do try "python$version"; done
    if command -v pyenv >/dev/null 2>&1; then
        for version in $VERSIONS; do
            prefix=$(pyenv prefix "$version" 2>/dev/null) && try "$prefix/bin/python$version"
        done
    fi
fi

printf '%s\n' \
    "No Python that can run this course was found${found:+ (${found#, })}." \
    "The course needs Python $OLDEST to $NEWEST, the versions TensorFlow publishes wheels for." \
    "Fix: install Python $NEWEST (https://www.python.org/downloads/, or: pyenv install $NEWEST)," \
    "then run make again; or name one: make lab PYTHON=/path/to/python$NEWEST" >&2
exit 1
