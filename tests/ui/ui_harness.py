"""The browser suite's machinery: a throw-away JupyterLab server, Chromium's flags and
which notebooks to open. conftest.py turns them into fixtures."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SHARED_DATA = REPO.parent / "shared" / "data"

# Chromium's flags: headless, no GPU, no sandbox (containers, root), and no traffic of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # WebGL without a GPU (plotly's 3D scenes): Chromium's software renderer.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]

# JupyterLab settings for a test run: every cell stays in the page (no virtual scrolling),
# nothing is saved back into the notebooks, and nothing is fetched from the internet.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


# A view's picture as 'length:FNV-1a hash' (run in the page), so a test sees it change.
IMAGE_HASH_JS = """
async (view) => {
  const image = view.querySelector('img');
  if (!image || !image.src) { return null; }
  const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
  let hash = 2166136261;
  for (const b of bytes) { hash = Math.imul(hash ^ b, 16777619) >>> 0; }
  return bytes.length + ':' + hash;
}
"""


def seconds(name, default):
    """A timeout from the environment (e.g. AEHELPERS_UI_RUN_TIMEOUT=1200), in seconds."""
    return float(os.environ.get(name, default))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A JupyterLab server process; ``url`` ends with a slash."""

    def __init__(self, root, tmp):
        self.root = Path(root)
        self.tmp = Path(tmp)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = self.tmp / "jupyterlab.log"
        self.process = None
        self.kernel_pids = set()

    def environment(self):
        env = dict(os.environ)
        for name in ("config", "runtime", "data", "ipython", "settings", "workspaces", "cache"):
            (self.tmp / name).mkdir(parents=True, exist_ok=True)
        for name, values in LAB_SETTINGS.items():
            path = self.tmp / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env.update(
            JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            JUPYTER_DATA_DIR=str(self.tmp / "data"),
            IPYTHONDIR=str(self.tmp / "ipython"),
            JUPYTERLAB_SETTINGS_DIR=str(self.tmp / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
            AEHELPERS_QUICK="1",
            PYTHONUNBUFFERED="1",
        )
        env.setdefault("AEHELPERS_CACHE_DIR", str(self.tmp / "cache"))
        if "AEHELPERS_DATA_DIR" not in env and SHARED_DATA.is_dir():
            env["AEHELPERS_DATA_DIR"] = str(SHARED_DATA)
        return env

    def start(self, timeout):
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
            f"--LabApp.user_settings_dir={self.tmp / 'settings'}",
            f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.terminals_enabled=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            command.append("--ServerApp.allow_root=True")
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            command, cwd=self.root, env=self.environment(), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "api/status", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method, path):
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def remember_kernels(self):
        """Note the server's child processes (kernels run in their own session)."""
        if self.process is None:
            return
        try:
            import psutil

            children = psutil.Process(self.process.pid).children(recursive=True)
            self.kernel_pids.update(child.pid for child in children)
        except Exception:  # psutil missing or the server already gone
            pass

    def shutdown_kernels(self):
        """Shut every running kernel down through the REST API (frees its memory)."""
        self.remember_kernels()
        try:
            for kernel in self.api("GET", "api/kernels") or []:
                self.api("DELETE", f"api/kernels/{kernel['id']}")
        except Exception:
            pass

    def stop(self):
        """Stop the server and every kernel it started, whatever state they are in."""
        if self.process is None:
            return
        self.shutdown_kernels()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in self.kernel_pids:  # a kernel that outlived its server
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self._log.close()


def server_root(notebooks):
    """The repository root, or (for a notebook outside it, while developing) their folder."""
    paths = [Path(p).resolve() for p in notebooks]
    if all(REPO in p.parents for p in paths):
        return REPO
    return Path(os.path.commonpath([p.parent for p in paths]))


def notebooks_to_test():
    """notebooks/*.ipynb, or the paths in AEHELPERS_UI_NOTEBOOKS (separated by os.pathsep)."""
    chosen = os.environ.get("AEHELPERS_UI_NOTEBOOKS", "").strip()
    if chosen:
        return [Path(p).resolve() for p in chosen.split(os.pathsep) if p]
    return sorted((REPO / "notebooks").glob("*.ipynb"))


