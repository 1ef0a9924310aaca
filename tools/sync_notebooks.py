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
``--check`` changes nothing and exits 1 when a file is stale.

    python tools/sync_notebooks.py          # rewrite what is out of step
    python tools/sync_notebooks.py --check  # used by the tests
"""

import argparse
import ast
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
    args = parser.parse_args(argv)
    root = args.root.resolve()
    url, version = repository_url(root), package_version(root)
    readme = root / "README.md"
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
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
