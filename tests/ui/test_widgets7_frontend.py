"""The course's views in the ipywidgets 7 widget protocol, the one Colab's front end speaks,
drawn by a real browser: the classic Notebook 6.5 with ipywidgets 7.7.1 and
widgetsnbextension 3.6.1, in headless Chromium.

A small notebook (written here) builds a tiny untrained dense autoencoder on random images
and shows the reconstruction browser, the latent explorer, the interpolation view, the live
training view and a plotly 3D figure, with ``ae.setup_notebook()`` as in every notebook.
The test requires every view to render (no "Error displaying widget", pictures decoded),
the reconstruction browser's picture to change when its slider is dragged, the plotly
figure to draw, and a JavaScript console without errors (plotly.js from no CDN).

It needs Colab's stack and runs in .venv-colab from tests/stacks/colab.sh, which sets
AEHELPERS_REQUIRE_WIDGETS7=1 (then a missing piece fails the test); in any other
environment (ipywidgets 8, JupyterLab) it skips. widgetsnbextension 3.6.1, not the newest
3.6.10: with Notebook 6.5.7 and ipywidgets 7.7.1, 3.6.10 renders no widget at all (its
JavaScript fails with "n._deserialize_state is not a function").
Screenshot: tests/ui/screenshots/widgets7_frontend.png.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata

import nbformat
import pytest
from ui_harness import IMAGE_HASH_JS, free_port, seconds

STACK = {"notebook": "6.", "ipywidgets": "7.", "widgetsnbextension": "3.6.1"}

CELLS = [
    "import aehelpers as ae\nae.setup_notebook(0)\nimport keras\nimport numpy as np",
    "rng = np.random.default_rng(0)\n"
    "x = rng.random((40, 784)).astype('float32')\n"
    "y = np.arange(40) % 3\n"
    "encoder = keras.Sequential([keras.Input((784,)), keras.layers.Dense(2)])\n"
    "decoder = keras.Sequential([keras.Input((2,)), "
    "keras.layers.Dense(784, activation='sigmoid')])\n"
    "model = keras.Sequential([encoder, decoder])\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')",
    "ae.reconstruction_browser(model, x, labels=y)",
    "ae.latent_explorer(decoder, codes=encoder.predict(x, verbose=0), labels=y)",
    "ae.interpolation_widget(encoder, decoder, x)",
    "model.fit(x, x, epochs=2, batch_size=20, verbose=0, "
    "callbacks=[ae.LiveTrainingView(x[:4])]);",
    "ae.plot_3d_cloud(rng.random((200, 3)))",
]

VIEWS = [
    "aehelpers-reconstruction-browser",
    "aehelpers-latent-explorer",
    "aehelpers-interpolation",
    "aehelpers-live-training",
]

PROGRESS_JS = """
() => {
  if (!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel)) { return null; }
  const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
  return {
    connected: Jupyter.notebook.kernel.is_connected(),
    idle: document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null,
    executed: cells.filter(c => typeof c.input_prompt_number === 'number').length,
    running: cells.filter(c => c.input_prompt_number === '*').length,
    errors: cells.map(c => c.output_area.outputs.filter(o => o.output_type === 'error')
                            .map(o => o.ename + ': ' + o.evalue)).flat(),
    total: cells.length,
  };
}
"""

VIEW_JS = """
(name) => {
  const view = document.querySelector('.' + name);
  if (!view) { return null; }
  const box = view.getBoundingClientRect();
  const images = Array.from(view.querySelectorAll('img'));
  return {width: box.width, height: box.height, images: images.length,
          decoded: images.filter(i => i.complete && i.naturalWidth > 0).length};
}
"""

def stack_problem():
    """Why this environment is not Colab's widget stack, or None when it is."""
    for name, prefix in STACK.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            return f"{name} is not installed"
        if not (version == prefix or version.startswith(prefix) and prefix.endswith(".")):
            return f"{name} {version} installed, {prefix}x needed"
    return None


@pytest.fixture(scope="module")
def classic_notebook(tmp_path_factory, chromium_path):
    problem = stack_problem()
    if problem:
        if os.environ.get("AEHELPERS_REQUIRE_WIDGETS7", "").strip() not in ("", "0"):
            pytest.fail(f"not Colab's widget stack: {problem} (AEHELPERS_REQUIRE_WIDGETS7=1)")
        pytest.skip(f"runs in Colab's stack (bash tests/stacks/colab.sh): {problem}")
    tmp = tmp_path_factory.mktemp("classic")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, tmp / "widgets7.ipynb")
    env = dict(os.environ, AEHELPERS_QUICK="1", PYTHONUNBUFFERED="1")
    for name in ("config", "data", "runtime", "ipython"):
        (tmp / name).mkdir()
    env.update(JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_DATA_DIR=str(tmp / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), IPYTHONDIR=str(tmp / "ipython"))
    env.setdefault("AEHELPERS_CACHE_DIR", str(tmp / "cache"))
    port = free_port()
    command = [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--NotebookApp.port_retries=0", "--NotebookApp.token=",
               "--NotebookApp.password=", f"--notebook-dir={tmp}", "--allow-root"]
    log = open(tmp / "notebook.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + seconds("AEHELPERS_UI_START_TIMEOUT", 180)
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Notebook 6.5 did not start:\n"
                                   + (tmp / "notebook.log").read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(url + "api/status", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        yield url + "notebooks/widgets7.ipynb"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


def run_every_cell(page, address):
    page.goto(address, wait_until="domcontentloaded")
    deadline = time.monotonic() + seconds("AEHELPERS_UI_KERNEL_TIMEOUT", 120)
    progress = None
    while time.monotonic() < deadline:
        progress = page.evaluate(PROGRESS_JS)
        if progress and progress["connected"] and progress["idle"]:
            break
        time.sleep(1)
    else:
        raise AssertionError(f"the kernel did not start: {progress}")
    page.evaluate("() => Jupyter.notebook.execute_all_cells()")
    deadline = time.monotonic() + seconds("AEHELPERS_UI_RUN_TIMEOUT", 600)
    calm = 0
    while time.monotonic() < deadline:
        progress = page.evaluate(PROGRESS_JS)
        done = progress["executed"] == progress["total"] or progress["errors"]
        calm = calm + 1 if done and progress["idle"] and not progress["running"] else 0
        if calm >= 3:  # idle for three polls in a row: the widgets have synced too
            return progress
        time.sleep(1)
    raise AssertionError(f"the notebook still runs after the time limit: {progress}")


def drag_slider(page, view):
    """Drag the first jQuery UI slider handle (ipywidgets 7) of ``view`` to the right."""
    handle = view.locator(".ui-slider-handle").first
    handle.scroll_into_view_if_needed(timeout=10_000)
    box = handle.bounding_box(timeout=10_000)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=8)
    page.mouse.move(x + 120, y, steps=8)
    page.mouse.up()


def test_the_views_render_and_react_in_the_ipywidgets7_protocol(classic_notebook, browser,
                                                               screenshots):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console = []
    page.on("console", lambda m: m.type == "error" and console.append(
        f"{m.text[:300]} @ {m.location.get('url', '')}"))
    page.on("pageerror", lambda err: console.append(f"uncaught: {err}"))
    try:
        progress = run_every_cell(page, classic_notebook)
        assert progress["errors"] == [], progress
        text = page.inner_text("#notebook-container")
        assert "Error displaying widget" not in text
        assert "Static picture of this view" not in text  # the live widget, not its copy
        views = {name: page.evaluate(VIEW_JS, name) for name in VIEWS}
        for name, found in views.items():
            assert found is not None, f"{name} is not in the page: {views}"
            assert found["width"] > 100 and found["height"] > 100, (name, found)
            assert found["images"] > 0 and found["decoded"] == found["images"], (name, found)

        browser_view = page.locator(".aehelpers-reconstruction-browser").first
        before = browser_view.evaluate(IMAGE_HASH_JS)
        drag_slider(page, browser_view)
        after, deadline = before, time.monotonic() + 30
        while after == before and time.monotonic() < deadline:
            time.sleep(0.5)
            after = browser_view.evaluate(IMAGE_HASH_JS)
        assert before is not None and after != before, "the slider did not change the image"

        plots = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                              ".map(p => p.getBoundingClientRect().height)")
        assert plots and min(plots) > 100, f"the plotly figure did not draw: {plots}"
        assert console == [], "JavaScript console errors:\n" + "\n".join(console)
    finally:
        with contextlib.suppress(Exception):
            height = page.evaluate(
                "() => document.getElementById('notebook-container').scrollHeight")
            page.set_viewport_size({"width": 1280, "height": int(min(height + 200, 12000))})
            page.wait_for_timeout(1000)
        page.screenshot(path=str(screenshots / "widgets7_frontend.png"), full_page=True)
        context.close()
    print(json.dumps({"views": views, "plotly heights": plots}))
