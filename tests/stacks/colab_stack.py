"""Helpers of tests/stacks/colab.sh (plain Python, no third-party imports).

    python colab_stack.py install-line SOURCE_DIR   the notebooks' Colab pip arguments,
                                                   one a line, installing from SOURCE_DIR
    python colab_stack.py copy-tree DEST            the working tree's files (tracked and
                                                   untracked, not ignored), like a clone
    python colab_stack.py extras BASE NOW           names in freeze NOW that BASE lacks
    python colab_stack.py constraints FREEZE [NAME ...]
                                                   FREEZE as a constraints file, without
                                                   direct URLs and without the NAMEs
"""

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PIP_MAGIC = re.compile(r"^\s*%pip\s+(install\b.*)$", re.M)


def normalise(name):
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text):
    """Map each package of a ``pip freeze`` text to its version (or its direct URL)."""
    packages = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if " @ " in line:
            name, version = line.split(" @ ", 1)
        elif "==" in line:
            name, version = line.split("==", 1)
        else:
            raise ValueError(f"not a pip freeze line: {line!r}")
        packages[normalise(name.strip())] = version.strip()
    return packages


def compare(before, after):
    """What installing changed: (changed {name: (old, new)}, added {name}, removed {name})."""
    changed = {n: (v, after[n]) for n, v in before.items() if n in after and after[n] != v}
    return changed, set(after) - set(before), set(before) - set(after)


def colab_install_lines():
    """The ``%pip install ...`` line of each notebook's setup cell, by notebook name."""
    lines = {}
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found = PIP_MAGIC.search(source) if cell["cell_type"] == "code" else None
            if found:
                lines[path.name] = found.group(1).strip()
                break
    return lines


def install_arguments(source_dir):
    """pip's arguments of the notebooks' Colab cell, with the git URL replaced by SOURCE_DIR."""
    lines = colab_install_lines()
    if not lines:
        raise SystemExit("colab_stack: no notebook has a '%pip install' line in its setup cell")
    if len(set(lines.values())) != 1:
        shown = "\n".join(f"  {name}: {line}" for name, line in lines.items())
        raise SystemExit(f"colab_stack: the notebooks' Colab install lines differ:\n{shown}")
    arguments = shlex.split(next(iter(lines.values())))
    url = Path(source_dir).resolve().as_uri()
    replaced = [re.sub(r"git\+\S+", url, a) for a in arguments]
    if replaced == arguments:
        raise SystemExit(f"colab_stack: no git+ URL in the Colab install line {arguments}")
    return replaced


def copy_tree(dest):
    """Copy the files a clone of the working tree would have (tracked or new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = Path(dest) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def main(argv):
    command, *rest = argv
    if command == "install-line":
        print("\n".join(install_arguments(rest[0])))
    elif command == "copy-tree":
        copy_tree(rest[0])
    elif command == "extras":
        base, now = (parse_freeze(Path(p).read_text()) for p in rest)
        print("\n".join(sorted(set(now) - set(base))))
    elif command == "constraints":
        freeze, *left_out = rest
        skip = {normalise(n) for n in left_out}
        for line in Path(freeze).read_text().splitlines():
            name = re.split(r"==| @ ", line, maxsplit=1)[0].strip()
            if line.strip() and " @ " not in line and normalise(name) not in skip:
                print(line)
    else:
        raise SystemExit(f"colab_stack: unknown command {command!r}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
