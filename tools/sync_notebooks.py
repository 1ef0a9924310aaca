"""Keep the README and the notebooks in step with the one place each fact is written.

The repository URL lives in pyproject.toml ([project.urls] Repository), the version in
``aehelpers/__init__.py`` (``__version__``). From them this script writes the Colab/Binder
badges (between ``<!-- badges -->`` and ``<!-- /badges -->``) in README.md and in each
notebook's first cell, and the Colab install line of each notebook's setup cell, which installs
the released version: ``aehelpers @ git+<repository>@v<version>`` (so a release must be tagged
``v<version>`` when the version changes). The README's notebook table is written from the
notebooks' own titles and "Run time" lines, and so are the run times of the teacher's guide
(docs/teaching.md): its table (between ``<!-- run-times -->`` and ``<!-- /run-times -->``)
and the "**Run time.** ...)." sentence that opens each notebook's section there. Notebooks
are read and written with nbformat.
``--check`` changes nothing and exits 1 when a file is stale. ``--run-times`` first writes
each notebook's "Run time: ..." sentence from the full benchmark's measured wall times
(``benchmarks/results.json``, section 3; written by ``python benchmarks/run.py``).

    python tools/sync_notebooks.py              # rewrite what is out of step
    python tools/sync_notebooks.py --run-times  # after a full benchmark run
    python tools/sync_notebooks.py --check      # used by the tests
"""

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import nbformat

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
BADGES = re.compile(r"<!-- badges -->(?:.*?<!-- /badges -->)?", re.S)
INSTALL = re.compile(r'"aehelpers @ git\+[^"]*"')
TABLE = re.compile(r"<!-- notebook-table -->.*?<!-- /notebook-table -->", re.S)
RUN_TIME = re.compile(r"run time:?\**\s*(.+?)(?:\.\s|\.?$)", re.I | re.M)
GUIDE_TABLE = re.compile(r"<!-- run-times -->.*?<!-- /run-times -->", re.S)
GUIDE_SECTION_RUN_TIME = r"(^## {number} · [^\n]*\n.*?)\*\*Run time\.\*\* .*?\)\."


def repository_url(root=ROOT):
    """Return the repository URL written in pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"].rstrip("/")


def package_version(root=ROOT):
    """Return ``aehelpers.__version__``, read from the source without importing the package."""
    tree = ast.parse((root / "aehelpers" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise ValueError("aehelpers/__init__.py sets no __version__")


def install_spec(url, version):
    """Return the pip requirement of the Colab install line: the release tag of ``version``."""
    return f"aehelpers @ git+{url}@v{version}"


def badge_block(url, notebook=None):
    """Return the badge markdown for the README (notebook=None) or for one notebook."""
    slug = url.removeprefix("https://github.com/")
    binder = f"https://mybinder.org/v2/gh/{slug}/HEAD"
    if notebook is None:
        colab = f"https://colab.research.google.com/github/{slug}"
        binder += "?urlpath=lab/tree/notebooks"
    else:
        colab = f"https://colab.research.google.com/github/{slug}/blob/main/notebooks/{notebook}"
        binder += f"?urlpath=lab/tree/notebooks/{notebook}"
    return (
        "<!-- badges -->\n"
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n"
        "<!-- /badges -->"
    )


def sync_text(text, url, version, notebook=None):
    """Return ``text`` with its badge block and install line written from ``url``, ``version``."""
    text = BADGES.sub(lambda _: badge_block(url, notebook), text, count=1)
    return INSTALL.sub(lambda _: f'"{install_spec(url, version)}"', text)


def notebook_facts(path):
    """Return (number, topic, run time) from a notebook's first cell."""
    first = nbformat.read(path, as_version=4).cells[0].source
    title = first.splitlines()[0].lstrip("# ").strip()
    number, _, topic = title.partition(" · ")
    found = RUN_TIME.search(first)
    return number, topic or title, found.group(1).strip(" *") if found else "?"


def notebook_table(paths):
    """Return the README's table of notebooks: number, title (linked), run time."""
    rows = [
        "<!-- notebook-table -->",
        "| # | notebook | run time (full course, 2-core CPU) |",
        "|---|---|---|",
    ]
    for path in paths:
        number, topic, run_time = notebook_facts(path)
        rows.append(f"| {number} | [{topic}](notebooks/{path.name}) | {run_time} |")
    rows.append("<!-- /notebook-table -->")
    return "\n".join(rows)


def sync_guide(text, paths):
    """Return the teacher's guide with its run-time table and sections' run times written."""
    rows = ["<!-- run-times -->", "| # | notebook | run time (full course, 2-core CPU) |",
            "|---|---|---|"]
    for path in paths:
        number, topic, run_time = notebook_facts(path)
        rows.append(f"| {number} | {topic} | {run_time} |")
        section = re.compile(GUIDE_SECTION_RUN_TIME.format(number=re.escape(number)),
                             re.S | re.M)
        sentence = run_time[:1].upper() + run_time[1:]
        text = section.sub(lambda m, s=sentence: f"{m.group(1)}**Run time.** {s}.", text,
                           count=1)
    rows.append("<!-- /run-times -->")
    return GUIDE_TABLE.sub(lambda _: "\n".join(rows), text, count=1)


def _about(seconds):
    """A wall time as the notebooks give it: "about 40 s", "about 2.5 min"."""
    if seconds < 55:
        return f"about {max(10, round(seconds / 10) * 10)} s"
    return f"about {round(seconds / 30) / 2:g} min"


def measured_run_time(modes):
    """A notebook's run time as its "Run time:" line gives it, from its benchmark rows
    ({mode: row}), or None.

    None when the full or the quick run is missing or failed. An MNIST notebook measured on
    a 60k stand-in (the full training set's size) is timed by that run.
    """
    full, quick = modes.get("full"), modes.get("quick")
    if not full or not quick or full.get("error") or quick.get("error"):
        return None
    quick_text = "< 1 min" if quick["seconds"] < 60 else _about(quick["seconds"])
    stand_in = next((row for mode, row in modes.items() if "stand-in" in mode), None)
    if stand_in and not stand_in.get("error"):
        return (f"{_about(stand_in['seconds'])} on a 2-core CPU with all 60,000 digits "
                f"(quick mode: {quick_text})")
    return f"{_about(full['seconds'])} on a 2-core CPU (quick mode: {quick_text})"


def write_run_times(root, notebooks):
    """Write each notebook's run time from benchmarks/results.json where its "Run time:"
    line gives it (the text notebook_facts reads); return the notebooks changed."""
    results = json.loads((root / "benchmarks" / "results.json").read_text())
    modes = {}
    for row in results["sections"]["3"]["rows"]:
        modes.setdefault(row["notebook"], {})[row["mode"]] = row
    changed = []
    for path in notebooks:
        run_time = measured_run_time(modes.get(path.name, {}))
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0].source
        found = RUN_TIME.search(first)
        if run_time and found and found.group(1) != run_time:
            nb.cells[0].source = first[:found.start(1)] + run_time + first[found.end(1):]
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def sync_notebook(path, url, version):
    """Return the notebook (nbformat) with its cells brought in step, or None when already so."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        new = sync_text(cell.source, url, version, path.name)
        if new != cell.source:
            cell.source = new
            changed = True
    return nb if changed else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the project folder (default: this repository)"
    )
    parser.add_argument("--run-times", action="store_true",
                        help="first write each notebook's run time from benchmarks/results.json")
    args = parser.parse_args(argv)
    if args.check and args.run_times:
        parser.error("--run-times writes files: it cannot go with --check")
    root = args.root.resolve()
    url, version = repository_url(root), package_version(root)
    readme = root / "README.md"
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    if args.run_times:
        for path in write_run_times(root, notebooks):
            print(f"Run time written: {path.relative_to(root)}")
    readme_text = readme.read_text()
    new_readme = sync_text(
        TABLE.sub(lambda _: notebook_table(notebooks), readme_text, count=1), url, version
    )
    stale = [readme] if new_readme != readme_text else []
    if stale and not args.check:
        readme.write_text(new_readme)
    guide = root / "docs" / "teaching.md"
    if guide.is_file():
        guide_text = guide.read_text()
        new_guide = sync_guide(guide_text, notebooks)
        if new_guide != guide_text:
            stale.append(guide)
            if not args.check:
                guide.write_text(new_guide)
    for path in notebooks:
        nb = sync_notebook(path, url, version)
        if nb is not None:
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    if stale and args.check:
        print("Out of step with pyproject's repository URL or the package version")
        print("(run python tools/sync_notebooks.py):")
        print("\n".join(f"  {p.relative_to(root)}" for p in stale))
        return 1
    done = "Updated" if stale else "In step"
    print(f"{done}: {len(stale) or len(notebooks) + 2} file(s), {install_spec(url, version)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
