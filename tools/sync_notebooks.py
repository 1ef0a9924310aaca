"""Keep the README and the notebooks in step with the one place each fact is written.

The repository URL lives in pyproject.toml ([project.urls] Repository). From it this
script writes the Colab/Binder badges (between ``<!-- badges -->`` and ``<!-- /badges -->``)
in README.md and in each notebook's first cell, and the Colab install line of each
notebook's setup cell. The README's notebook table is written from the notebooks' own
titles and "Run time" lines. ``--check`` changes nothing and exits 1 when a file is stale.

    python tools/sync_notebooks.py          # rewrite what is out of step
    python tools/sync_notebooks.py --check  # used by the tests
"""

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
BADGES = re.compile(r"<!-- badges -->(?:.*?<!-- /badges -->)?", re.S)
INSTALL = re.compile(r'"aehelpers @ git\+[^"]*"')
TABLE = re.compile(r"<!-- notebook-table -->.*?<!-- /notebook-table -->", re.S)
RUN_TIME = re.compile(r"run time:?\**\s*(.+?)(?:\.\s|\.?$)", re.I | re.M)


def repository_url():
    """Return the repository URL written in pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["urls"]["Repository"].rstrip("/")


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


def sync_text(text, url, notebook=None):
    """Return ``text`` with its badge block and install line written from ``url``."""
    text = BADGES.sub(lambda _: badge_block(url, notebook), text, count=1)
    return INSTALL.sub(f'"aehelpers @ git+{url}"', text)


def notebook_table(paths):
    """Return the README's table of notebooks: number, title (linked), run time."""
    rows = [
        "<!-- notebook-table -->",
        "| # | notebook | run time (full course, 2-core CPU) |",
        "|---|---|---|",
    ]
    for path in paths:
        first = "".join(json.loads(path.read_text())["cells"][0]["source"])
        title = first.splitlines()[0].lstrip("# ").strip()
        number, _, topic = title.partition(" · ")
        found = RUN_TIME.search(first)
        run_time = found.group(1).strip(" *") if found else "?"
        rows.append(f"| {number} | [{topic or title}](notebooks/{path.name}) | {run_time} |")
    rows.append("<!-- /notebook-table -->")
    return "\n".join(rows)


def sync_notebook(path, url):
    """Return the notebook's new JSON text, or its text unchanged when already in step."""
    text = path.read_text()
    nb = json.loads(text)
    changed = False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        new = sync_text(source, url, path.name)
        if new != source:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if not changed:
        return text
    # The layout nbformat itself writes, so that diffs stay small.
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    url = repository_url()
    stale = []
    readme = ROOT / "README.md"
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    readme_text = TABLE.sub(lambda _: notebook_table(notebooks), readme.read_text(), count=1)
    targets = [(readme, sync_text(readme_text, url))]
    targets += [(path, sync_notebook(path, url)) for path in notebooks]
    for path, new in targets:
        if path.read_text() != new:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new)
    if stale and args.check:
        print("Out of step with pyproject's repository URL (run python tools/sync_notebooks.py):")
        print("\n".join(f"  {p}" for p in stale))
        return 1
    print(f"{'Updated' if stale else 'In step'}: {len(stale) or len(targets)} file(s), {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
