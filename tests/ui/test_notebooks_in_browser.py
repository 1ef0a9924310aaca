"""Each notebook, run in JupyterLab in headless Chromium: no errors, every widget and plot
rendered, the reconstruction browser reacts to its slider, and a clean JavaScript console.

This is each notebook's second run in a new kernel (the first is tests/test_notebook_runs.py,
with the exercises solved): its "## Checks" cells must print the same figures as that first
run saved in build/notebook-checks/ (the restart test). CI requires the saved figures
(AEHELPERS_REQUIRE_BROWSER=1); elsewhere a missing file only skips the comparison. `make
test` runs both suites at once: there each notebook's comparison waits for the first run's
figures, up to AEHELPERS_UI_CHECKS_WAIT seconds.

Run with ``pytest tests/ui`` (quick mode and the offline data are set up by conftest.py).
One screenshot per notebook lands in tests/ui/screenshots/ (git ignores it). Timeouts can
be raised with AEHELPERS_UI_KERNEL_TIMEOUT and AEHELPERS_UI_RUN_TIMEOUT (seconds).
"""

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from ui_harness import IMAGE_HASH_JS, REPO, notebooks_to_test, seconds

from benchmarks.notebook_stats import checks_cells

NOTEBOOKS = notebooks_to_test()
CHECKS_DIR = REPO / "build" / "notebook-checks"  # written by tests/test_notebook_runs.py

# The views each notebook must show (CSS classes that aehelpers.widgets puts on them).
REQUIRED_VIEWS = {
    "02_": ["aehelpers-reconstruction-browser", "aehelpers-latent-explorer",
            "aehelpers-live-training"],
    "03_": ["aehelpers-reconstruction-browser", "aehelpers-latent-explorer",
            "aehelpers-live-training"],
    "05_": ["aehelpers-denoising"],
    "09_": ["aehelpers-feature-view"],
}

# Console errors that are known to be harmless, each with the reason. Anything else fails:
# plotly is rendered offline (aehelpers.config), so a page asking a CDN for plotly.js fails.
TOLERATED_CONSOLE_ERRORS = [
    (
        r"Failed to load resource: net::ERR_[A-Z_]+ @ "
        r"https://(colab\.research\.google\.com|mybinder\.org)/\S*\.svg",
        "the 'Open in Colab' and 'launch Binder' badge pictures in each notebook's first "
        "cell come from colab.research.google.com and mybinder.org; the test machine has no "
        "internet (the badges are links, nothing else depends on them)",
    ),
]

# What a widget looks like when the browser could not render it.
NOT_RENDERED = [
    (re.compile(r"Error displaying widget"), "a widget failed to render"),
    (re.compile(r"Click to show javascript error|Failed to load model class"),
     "a widget's JavaScript failed (front end and kernel disagree on ipywidgets versions?)"),
    (re.compile(r"model not found", re.I), "a widget's model is missing in the page"),
    (re.compile(r"\b(?:Int|Float)(?:Range)?Slider\(|\b[VH]Box\(children=|\bDropdown\(|"
                r"\bImage\(value=|\bOutput\((?:layout|outputs)=|\bButton\(description="),
     "a widget printed as text instead of a control"),
    (re.compile(r"Static picture of this view"), "an aehelpers view fell back to its static copy"),
    (re.compile(r"WebGL is not supported"), "a 3D plot could not draw"),
]

# JavaScript run in the page (JupyterLab exposes its app as window.jupyterapp).
PANEL_JS = """
window.__panelFor = (path) => {
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content
        && widget.content.widgets) { return widget; }
  }
  return null;
};
"""

PROGRESS_JS = """
(path) => {
  const panel = window.__panelFor(path);
  if (!panel) { return null; }
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const running = cells.filter(c => {
    const prompt = c.node.querySelector('.jp-InputPrompt');
    return prompt && prompt.textContent.includes('*');
  }).length;
  const executed = cells.filter(c => c.model.executionCount !== null).length;
  let errors = 0;
  for (const c of cells) {
    for (let i = 0; i < c.model.outputs.length; i++) {
      if (c.model.outputs.get(i).type === 'error') { errors += 1; }
    }
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {status: kernel ? kernel.status : 'none', running, executed, errors,
          total: cells.length};
}
"""

REPORT_JS = """
(path) => {
  const panel = window.__panelFor(path);
  const strip = (text) => (text || '').replace(/\\u001b\\[[0-9;]*m/g, '');
  const report = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') { return; }
    const entry = {index, count: cell.model.executionCount,
                   source: cell.model.sharedModel.getSource().slice(0, 120), outputs: []};
    const children = cell.outputArea ? cell.outputArea.widgets : [];
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const json = cell.model.outputs.get(i).toJSON();
      const node = children[i] ? children[i].node : null;
      const out = {type: json.output_type, mimes: Object.keys(json.data || {}),
                   text: node ? node.innerText.slice(0, 20000) : ''};
      if (json.output_type === 'error') {
        out.error = json.ename + ': ' + json.evalue + '\\n'
          + strip((json.traceback || []).slice(-3).join('\\n'));
      }
      if (json.output_type === 'stream') { out.stream = json.name; }
      if (out.mimes.includes('application/vnd.jupyter.widget-view+json') && node) {
        const view = node.querySelector('.jupyter-widgets');
        const box = view ? view.getBoundingClientRect() : null;
        out.widget = {found: !!view, width: box ? box.width : 0, height: box ? box.height : 0,
                      classes: view ? view.className : ''};
      }
      if (node) {
        out.plots = Array.from(node.querySelectorAll('.js-plotly-plot')).map(plot => {
          const svg = plot.querySelector('svg.main-svg');
          const box = plot.getBoundingClientRect();
          return {svgChildren: svg ? svg.childElementCount : 0, width: box.width,
                  height: box.height,
                  canvases: plot.querySelectorAll('canvas').length};
        });
      }
      entry.outputs.push(out);
    }
    report.push(entry);
  });
  return report;
}
"""

def known_harmless(text):
    return any(re.search(pattern, text) for pattern, _reason in TOLERATED_CONSOLE_ERRORS)


def open_notebook(page, lab, notebook):
    """Open the notebook in JupyterLab and wait until its kernel is idle."""
    path = notebook.relative_to(lab.root).as_posix()
    page.goto(f"{lab.url}lab/tree/{path}?reset", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                           timeout=seconds("AEHELPERS_UI_PAGE_TIMEOUT", 120) * 1000)
    page.evaluate(PANEL_JS)
    deadline = time.monotonic() + seconds("AEHELPERS_UI_KERNEL_TIMEOUT", 120)
    while time.monotonic() < deadline:
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():  # e.g. a kernel chooser: take the proposed kernel
            accept.first.click()
        progress = page.evaluate(PROGRESS_JS, path)
        if progress and progress["status"] == "idle":
            return path
        time.sleep(1)
    raise AssertionError(f"{path}: the kernel did not become idle; last state {progress}")


def run_all(page, path):
    """Run every cell and wait until the kernel is idle with no cell queued or running."""
    page.evaluate(
        """async (path) => {
             const app = window.jupyterapp;
             app.shell.activateById(window.__panelFor(path).id);
             await app.commands.execute('notebook:run-all-cells');
           }""",
        path,
    )
    deadline = time.monotonic() + seconds("AEHELPERS_UI_RUN_TIMEOUT", 900)
    started, calm, progress = False, 0, None
    while time.monotonic() < deadline:
        progress = page.evaluate(PROGRESS_JS, path)
        started = started or progress["running"] > 0 or progress["executed"] > 0
        finished = progress["executed"] == progress["total"] or progress["errors"] > 0
        if started and finished and progress["running"] == 0 and progress["status"] == "idle":
            calm += 1
            if calm >= 3:  # idle for three polls in a row: widgets have synced too
                return progress
        else:
            calm = 0
        time.sleep(1)
    raise AssertionError(f"{path}: still running after the time limit; last state {progress}")


def problems_in(report):
    """Errors, unexecuted cells, unrendered widgets and empty plots, as readable lines."""
    problems = []
    for cell in report:
        where = f"cell {cell['index']} ({cell['source'].splitlines()[0] if cell['source'] else ''})"
        if cell["count"] is None and cell["source"].strip():
            problems.append(f"{where}: not executed")
        for out in cell["outputs"]:
            if out["type"] == "error":
                problems.append(f"{where}: ended with an error:\n{out['error']}")
            for pattern, meaning in NOT_RENDERED:
                if pattern.search(out["text"]):
                    problems.append(f"{where}: {meaning}: {out['text'][:200]!r}")
            widget = out.get("widget")
            if "application/vnd.jupyter.widget-view+json" in out["mimes"]:
                if not widget or not widget["found"]:
                    problems.append(f"{where}: a widget output has no rendered widget")
                elif widget["height"] < 20 or widget["width"] < 20:
                    problems.append(f"{where}: a widget rendered empty ({widget})")
            if "application/vnd.plotly.v1+json" in out["mimes"] and not out["plots"]:
                problems.append(f"{where}: a plotly figure did not render")
            for plot in out.get("plots", []):
                if plot["svgChildren"] == 0 or plot["width"] < 50 or plot["height"] < 50:
                    problems.append(f"{where}: a plotly figure rendered empty ({plot})")
    return problems


def _lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def checks_differ(report, notebook, *, required):
    """Compare the Checks cells' printed figures with the first run's; a problem line or None."""
    saved = CHECKS_DIR / f"{notebook.stem}.txt"
    # make test runs the unit suite alongside: wait for its figures of this notebook, unless
    # it has ended (tools/run_tests.sh then writes unit-suite-ended: no figures will come).
    deadline = time.monotonic() + seconds("AEHELPERS_UI_CHECKS_WAIT", 0)
    while (not saved.is_file() and not (CHECKS_DIR / "unit-suite-ended").is_file()
           and time.monotonic() < deadline):
        time.sleep(2)
    if not saved.is_file():
        return (f"no saved figures of the first run ({saved}): run tests/test_notebook_runs.py "
                "first") if required else None
    wanted = set(checks_cells(nbformat.read(notebook, as_version=4).cells))
    text = "\n".join(out["text"] for cell in report if cell["index"] in wanted
                     for out in cell["outputs"] if out.get("stream") == "stdout")
    first, second = _lines(saved.read_text()), _lines(text)
    if first != second:
        return ("the Checks cells printed other figures than in the first run:\n"
                f"first:  {first}\nsecond: {second}")
    return None


def views_in(report):
    found = set()
    for cell in report:
        for out in cell["outputs"]:
            classes = (out.get("widget") or {}).get("classes", "")
            found.update(c for c in classes.split() if c.startswith("aehelpers-"))
    return found


def image_hash(view):
    return view.evaluate(IMAGE_HASH_JS)


def move_slider_and_check_image(page, problems):
    """Drag the reconstruction browser's image slider; its picture must change."""
    view = page.locator(".aehelpers-reconstruction-browser").first
    view.scroll_into_view_if_needed(timeout=10_000)
    before = image_hash(view)
    handles = view.locator(".noUi-handle, .ui-slider-handle")  # ipywidgets 8 / 7
    box = handles.first.bounding_box(timeout=5000) if handles.count() else None
    if box is None:
        problems.append("reconstruction browser: no visible slider handle to move")
        return
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=8)
    page.mouse.move(x + 80, y, steps=8)
    page.mouse.up()
    deadline = time.monotonic() + 30
    after = before
    while time.monotonic() < deadline and after == before:
        time.sleep(0.5)
        after = image_hash(view)
    if before is None or after == before:
        problems.append(f"reconstruction browser: moving its slider did not change the image "
                        f"(before {before}, after {after})")


def screenshot(page, path, target):
    """Make the page as tall as the notebook so one picture shows every cell."""
    try:
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        height = page.evaluate(
            """(path) => {
                 const panel = window.__panelFor(path);
                 const outer = panel.content.node.querySelector('.jp-WindowedPanel-outer')
                   || panel.content.node;
                 outer.scrollTop = 0;
                 const cells = panel.content.widgets;
                 const last = cells[cells.length - 1].node.getBoundingClientRect();
                 return last.bottom + outer.scrollTop;
               }""",
            path,
        )
        page.set_viewport_size({"width": 1280, "height": int(min(height + 80, 15000))})
        page.wait_for_timeout(1500)  # let plotly and the widgets lay themselves out again
    except Exception:  # a screenshot of whatever is there is better than none
        pass
    page.screenshot(path=str(target))


@pytest.mark.parametrize("notebook", NOTEBOOKS or [None], ids=lambda p: p.stem if p else "none")
def test_notebook_runs_and_renders_in_the_browser(notebook, lab, browser, screenshots):
    if notebook is None:
        pytest.skip("no notebooks in notebooks/ yet")
    console, problems, report = [], [], []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and console.append(
        f"console: {msg.text[:400]} @ {msg.location.get('url', '')}"))
    page.on("pageerror", lambda err: console.append(f"uncaught: {err}"))
    path = notebook.name
    started = time.monotonic()
    try:
        path = open_notebook(page, lab, notebook)
        run_all(page, path)
        report = page.evaluate(REPORT_JS, path)
        problems += problems_in(report)
        found = views_in(report)
        for prefix, views in REQUIRED_VIEWS.items():
            if notebook.name.startswith(prefix):
                problems += [f"the notebook shows no {v} view" for v in views if v not in found]
        if "aehelpers-reconstruction-browser" in found:
            move_slider_and_check_image(page, problems)
        required = os.environ.get("AEHELPERS_REQUIRE_BROWSER", "").strip() not in ("", "0")
        differ = checks_differ(report, notebook, required=required)
        if differ:
            problems.append(differ)
    finally:
        try:
            screenshot(page, path, screenshots / f"{Path(path).stem}.png")
        finally:
            context.close()
            lab.shutdown_kernels()
    elapsed = time.monotonic() - started
    problems += [f"JavaScript {line}" for line in console if not known_harmless(line)]
    stderr = [out["text"][:300] for cell in report for out in cell["outputs"]
              if out.get("stream") == "stderr"]
    print(f"{path}: {elapsed:.0f} s in the browser; views: {sorted(views_in(report))}; "
          f"stderr outputs: {stderr}; tolerated console lines: "
          f"{[line for line in console if known_harmless(line)]}")
    assert not problems, f"{path} ({REPO.name}):\n" + "\n".join(problems)
