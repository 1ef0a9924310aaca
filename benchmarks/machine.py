"""What machine the benchmark ran on, its float32 matrix-multiply peak, and model FLOPs."""

import datetime
import os
import platform
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _cpuinfo_field(name):
    """The value of the first ``name`` line of /proc/cpuinfo, or None where there is none."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model():
    """Return the CPU model name from /proc/cpuinfo (or platform's guess elsewhere)."""
    return _cpuinfo_field("model name") or platform.processor() or "unknown"


def vector_features():
    """Return the CPU's AVX-512 / AMX features that decide TensorFlow's oneDNN default."""
    flags = set((_cpuinfo_field("flags") or "").split())
    return [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")
            if f in flags]


def onednn_enabled():
    """Whether TensorFlow runs its oneDNN kernels in this process (None: cannot tell).

    TensorFlow turns them on by itself on CPUs with AVX-512 VNNI, BF16 or AMX; importing
    aehelpers keeps them off unless TF_ENABLE_ONEDNN_OPTS says otherwise.
    """
    try:
        from tensorflow.python.util import _pywrap_util_port

        return bool(_pywrap_util_port.IsMklEnabled())
    except (ImportError, AttributeError):
        return None


def machine_info():
    """Return a dict describing the machine, the libraries and the time of the run."""
    import psutil

    import aehelpers  # noqa: F401  (before TensorFlow, as in a notebook: it sets its options)

    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for name in ("tensorflow", "keras", "sklearn", "nbclient"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            versions[name] = "missing"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu_model(),
        "cpu_features": vector_features(),
        "onednn": onednn_enabled(),
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
    }


def matmul_gflops(n=2048, *, repeats=5):
    """Measure numpy's float32 n x n matrix multiply over ``repeats`` tries, in a fresh process.

    Returns ``(wall, cpu)``: the best GFLOP/s by wall clock, and the best GFLOP per CPU
    second (all threads), which other processes on a shared machine disturb much less.
    The best, not the median: it is the machine's capability, the fairest denominator for
    a "fraction of peak". It runs in a child process because TensorFlow's thread pools,
    once started, keep spinning and slow numpy's threads in the same process ~10x.
    """
    import json
    import sys

    code = (
        "import json, time, numpy as np\n"
        f"n, repeats = {int(n)}, {int(repeats)}\n"
        "rng = np.random.default_rng(0)\n"
        "a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)\n"
        "a @ b\n"
        "walls, cpus = [], []\n"
        "for _ in range(repeats):\n"
        "    w, c = time.perf_counter(), time.process_time(); a @ b\n"
        "    walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)\n"
        "print(json.dumps([min(walls), max(min(cpus), 1e-9)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    wall, cpu = json.loads(out.strip().splitlines()[-1])
    flops = 2 * n**3 / 1e9
    return flops / wall, flops / cpu


def _flat_layers(model):
    """Yield the leaf layers of a (possibly nested) Keras model."""
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            yield from _flat_layers(layer)
        else:
            yield layer


def forward_flops(model):
    """Return the multiply-add FLOPs (2 per MAC) of one sample's forward pass.

    Counts Dense, Conv2D and Conv2DTranspose layers from their shapes (biases and
    activations are ignored: they are a small fraction). Training costs about 3x this
    (forward, gradient with respect to the inputs, gradient with respect to the weights).
    """
    import keras

    total = 0
    for layer in _flat_layers(model):
        if isinstance(layer, keras.layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            kh, kw, c_out, c_in = layer.kernel.shape
            h_in, w_in = layer.input.shape[1:3]
            total += 2 * h_in * w_in * kh * kw * c_in * c_out
        elif isinstance(layer, keras.layers.Conv2D):
            kh, kw, c_in, c_out = layer.kernel.shape
            h_out, w_out = layer.output.shape[1:3]
            total += 2 * h_out * w_out * kh * kw * c_in * c_out
    return int(total)
