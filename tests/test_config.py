"""Notebook setup: quick mode, sizes, seeds, quiet TensorFlow, cache folder."""

import os
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import aehelpers as ae
from aehelpers import config


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("yes", True), ("", False), ("0", False), ("false", False)],
)
def test_quick_mode_reads_one_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv("AEHELPERS_QUICK", value)
    assert ae.quick_mode() is expected


def test_quick_mode_is_off_by_default(monkeypatch):
    monkeypatch.delenv("AEHELPERS_QUICK", raising=False)
    assert ae.quick_mode() is False


def test_sizes_are_the_full_values_outside_quick_mode(monkeypatch):
    monkeypatch.setenv("AEHELPERS_QUICK", "0")
    s = ae.sizes(n_train=60_000, epochs=20, batch=7)
    assert (s.n_train, s.epochs, s.batch) == (60_000, 20, 7)


def test_sizes_shrink_to_quick_sizes_in_quick_mode(monkeypatch, capsys):
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    n_train, epochs, batch = ae.sizes(n_train=60_000, epochs=20, batch=7)
    assert n_train == ae.QUICK_SIZES["n_train"] and epochs == ae.QUICK_SIZES["epochs"]
    assert batch == 7  # not a quick-mode size: left alone
    assert "Quick mode" in capsys.readouterr().out


def test_sizes_never_grow_a_small_full_value(monkeypatch):
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    assert ae.sizes(epochs=1).epochs == 1


def test_sizes_accept_a_per_notebook_quick_override(monkeypatch):
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    assert ae.sizes(epochs=30, quick={"epochs": 5}).epochs == 5


def test_a_notebooks_own_quick_size_is_used_as_given_even_above_the_full_one(monkeypatch):
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    s = ae.sizes(n_train=60_000, epochs=6, quick={"epochs": 10})
    assert (s.n_train, s.epochs) == (ae.QUICK_SIZES["n_train"], 10)  # fewer images, more epochs
    monkeypatch.setenv("AEHELPERS_QUICK", "0")
    assert ae.sizes(n_train=60_000, epochs=6, quick={"epochs": 10}).epochs == 6


def test_sizes_none_means_all_outside_quick_mode_and_the_quick_size_inside(monkeypatch):
    monkeypatch.setenv("AEHELPERS_QUICK", "0")
    assert ae.sizes(n_train=None, epochs=20).n_train is None
    monkeypatch.setenv("AEHELPERS_QUICK", "1")
    assert ae.sizes(n_train=None, epochs=20).n_train == ae.QUICK_SIZES["n_train"]
    assert ae.sizes(n_train=None, quick={"n_train": 500}).n_train == 500
    assert ae.sizes(batch=None).batch is None  # no quick size for it: still "all"


@pytest.mark.parametrize("quick_mode_on", ["0", "1"])
def test_sizes_reject_a_quick_name_that_is_not_a_size(monkeypatch, quick_mode_on):
    monkeypatch.setenv("AEHELPERS_QUICK", quick_mode_on)
    with pytest.raises(ValueError, match=r"quick names \['epoch'\].*n_train, epochs"):
        ae.sizes(n_train=60_000, epochs=20, quick={"epoch": 5})


def test_sizes_reject_a_quick_override_that_is_not_a_dict():
    with pytest.raises(TypeError, match="quick must be a dict"):
        ae.sizes(epochs=10, quick=5)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_sizes_reject_what_is_not_a_positive_integer(bad):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        ae.sizes(epochs=bad)


def test_sizes_need_at_least_one_size():
    with pytest.raises(TypeError, match="at least one keyword"):
        ae.sizes()


def test_same_seed_gives_the_same_numbers_in_numpy_and_tensorflow():
    import tensorflow as tf

    ae.set_seed(3)
    first = np.random.rand(3), tf.random.uniform((3,)).numpy()
    ae.set_seed(3)
    second = np.random.rand(3), tf.random.uniform((3,)).numpy()
    ae.set_seed(4)
    third = np.random.rand(3), tf.random.uniform((3,)).numpy()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[1], third[1])


@pytest.mark.parametrize("bad", [-1, 1.5, "42", None])
def test_bad_seed_is_rejected_before_tensorflow(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        ae.setup_notebook(bad)


def test_cache_dir_follows_its_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("AEHELPERS_CACHE_DIR", str(tmp_path / "cache"))
    assert ae.cache_dir() == tmp_path / "cache" and (tmp_path / "cache").is_dir()


def test_setup_notebook_silences_tensorflow_start_up_noise():
    code = (
        "import aehelpers as ae; ae.setup_notebook(0)\n"
        "import keras, numpy as np\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
        "m.compile('adam', 'mse'); m.fit(np.zeros((8, 3)), np.zeros((8, 2)), verbose=0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
    assert "TensorFlow" in done.stdout and "seed 0" in done.stdout


@pytest.mark.parametrize(("setting", "expected"), [(None, False), ("0", False), ("1", True)])
def test_onednn_kernels_are_off_unless_asked_for(setting, expected):
    """aehelpers keeps TensorFlow's oneDNN kernels off (memory, rounding), unless told to."""
    code = (
        "import os, aehelpers as ae; ae.setup_notebook(0, verbose=False)\n"
        "from tensorflow.python.util import _pywrap_util_port\n"
        "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], _pywrap_util_port.IsMklEnabled())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [setting or "0", str(expected)]


def test_setup_notebook_picks_a_renderer_plotly_knows():
    import plotly.io as pio

    ae.setup_notebook(0, verbose=False)
    assert pio.renderers.default == config._pick_plotly_renderer()
    for part in pio.renderers.default.split("+"):
        assert part in pio.renderers


def test_public_names_all_resolve():
    missing = [name for name in ae.__all__ if name != "__version__" and not _resolves(name)]
    assert missing == []


def _resolves(name):
    try:
        getattr(ae, name)
    except (AttributeError, ImportError):
        return False
    return True


# ----- plotly's renderer: Colab's own in Colab, an offline one elsewhere


@pytest.fixture
def plotly_default():
    """Put plotly's default renderer back after the test."""
    import plotly.io as pio

    saved = pio.renderers.default
    yield pio
    pio.renderers.default = saved


def fake_colab(monkeypatch):
    """Make in_colab() true: a stand-in google.colab whose output module records calls."""
    calls = []
    colab = types.ModuleType("google.colab")
    colab.output = types.SimpleNamespace(
        enable_custom_widget_manager=lambda: calls.append("enable_custom_widget_manager"))
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return calls


def test_in_colab_plotly_uses_colabs_own_renderer(monkeypatch, plotly_default):
    fake_colab(monkeypatch)
    assert ae.in_colab()
    assert config._pick_plotly_renderer() == "colab" == plotly_default.renderers.default


def test_outside_colab_plotly_uses_the_mimetype_and_an_offline_html_copy(monkeypatch,
                                                                          plotly_default):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not ae.in_colab()
    chosen = config._pick_plotly_renderer()
    assert chosen == plotly_default.renderers.default
    assert chosen.split("+") == ["plotly_mimetype", "aehelpers_offline"]


def test_the_offline_renderer_asks_no_other_site_for_anything(monkeypatch, plotly_default,
                                                              capsys):
    import plotly.graph_objects as go

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    config._pick_plotly_renderer()
    figure = go.Figure(go.Scatter(x=[0, 1], y=[1, 0]), layout_title_text="a title")
    bundle = figure._repr_mimebundle_()
    first_use = capsys.readouterr().out  # what the renderer shows once: plotly.js itself
    assert "application/vnd.plotly.v1+json" in bundle
    html = bundle["text/html"]
    assert "plotly-graph-div" in html and "a title" in html
    assert "cdn.plot.ly" not in html
    for page in (html, first_use):
        assert re.findall(r"<script[^>]*\bsrc=", page) == []  # no script loaded from a URL
        assert not re.search(r"require\.config\([^)]*https?:", page)
    assert len(first_use) > 1_000_000  # plotly.js embedded, not fetched


def test_the_offline_renderer_removes_scripts_from_other_sites_and_keeps_its_own():
    """plotly 7's "notebook" renderer loads MathJax from cdnjs for every figure."""
    page = ('<div><script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/3.2.2/tex.js">'
            '</script><script>Plotly.newPlot("x")</script></div>')
    assert config._EXTERNAL_SCRIPT.sub("", page) == (
        '<div><script>Plotly.newPlot("x")</script></div>')


# ----- Colab's widgets and GPU runtimes


class FakeGPU:
    name, device_type = "/physical_device:GPU:0", "GPU"


@pytest.fixture
def devices(monkeypatch):
    """Stub TensorFlow's device list and record calls to enable_op_determinism."""
    import tensorflow as tf

    state = {"gpus": [], "determinism": 0}
    real = tf.config.list_physical_devices

    def list_physical_devices(device_type=None):
        if device_type == "GPU":
            return list(state["gpus"])
        return real(device_type)

    monkeypatch.setattr(tf.config, "list_physical_devices", list_physical_devices)
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism",
                        lambda: state.__setitem__("determinism", state["determinism"] + 1))
    return state


def test_on_a_cpu_set_seed_makes_ops_deterministic(devices):
    assert ae.set_seed(5) == 5
    assert devices["determinism"] == 1


def test_on_a_gpu_set_seed_only_seeds(devices):
    devices["gpus"] = [FakeGPU()]
    ae.set_seed(5)
    assert devices["determinism"] == 0
    first = np.random.rand(2)
    ae.set_seed(5)
    np.testing.assert_array_equal(first, np.random.rand(2))  # the seeds are still set


@pytest.mark.parametrize(("gpus", "expected"), [(0, "device: CPU (deterministic ops)"),
                                                 (2, "device: 2 GPU (ops not forced")])
def test_setup_notebook_says_which_device_and_whether_ops_are_deterministic(
        devices, capsys, plotly_default, gpus, expected):
    devices["gpus"] = [FakeGPU()] * gpus
    ae.setup_notebook(1)
    assert expected in capsys.readouterr().out
    assert devices["determinism"] == (0 if gpus else 1)


def test_in_colab_setup_notebook_leaves_colabs_widget_manager_alone(monkeypatch, devices,
                                                                     plotly_default):
    calls = fake_colab(monkeypatch)
    devices["gpus"] = [FakeGPU()]  # Colab's GPU runtime
    ae.setup_notebook(0, verbose=False)
    assert calls == []  # core ipywidgets 7 widgets need no custom widget manager
    assert plotly_default.renderers.default == "colab"
