"""Sections 1, 2 and 4 of the benchmark: time to quality, quality against PCA, throughput.

Every model is trained the way the notebooks train it: ``ae.compile_autoencoder`` with a
recipe, then ``model.fit(x, x, batch_size=recipe.batch_size, validation_data=...)`` on
NumPy arrays. Times are wall-clock (``time.perf_counter``) and process CPU time
(``time.process_time``, all threads) from just before compiling to the end of an epoch.
"""

import statistics
import time

import numpy as np

import aehelpers as ae
from aehelpers.training import (
    DENSE_RECIPE,
    FAST_RECIPE,
    REFERENCE_RECIPE,
    SHALLOW_RECIPE,
    Recipe,
    compile_autoencoder,
)

from .machine import forward_flops, matmul_gflops

# --------------------------------------------------------------------------- models
# The builders of aehelpers when they exist (they are the notebooks' models); otherwise
# the same architectures written out here, so the benchmark never depends on them.


def simple_model():
    """784-32-784: ReLU code, sigmoid output (the Keras blog's simple autoencoder)."""
    return ae.build_dense_autoencoder(code_size=32).autoencoder


def deep_model():
    """784-256-128-32-128-256-784 with ELU, a linear code, sigmoid output (notebook 03)."""
    return ae.build_stacked_autoencoder(code_size=32, hidden_sizes=(256, 128), activation="elu",
                                        code_activation=None).autoencoder


def conv_model():
    """Conv 32, 64 (stride 2) -> 32-number dense code -> mirrored Conv2DTranspose (nb 04).

    Built by the course's own builder: if it breaks, the benchmark fails instead of
    measuring another model.
    """
    return ae.build_conv_autoencoder(input_shape=(28, 28, 1), code_size=32).autoencoder


MODELS = {"simple": simple_model, "deep": deep_model, "conv": conv_model}


def model_recipe(kind):
    """Return the recipe the notebooks use for a model kind."""
    return {"simple": SHALLOW_RECIPE, "deep": DENSE_RECIPE}.get(kind, FAST_RECIPE)


def _images_for(kind, x):
    return x.reshape(-1, 28, 28, 1) if kind == "conv" else x.reshape(len(x), -1)


# --------------------------------------------------------------------------- timing


def _clock_callback():
    import keras

    class EpochClock(keras.callbacks.Callback):
        """Record (wall s, CPU s, logs) at the end of every epoch, from ``start()``."""

        def start(self):
            self.wall0, self.cpu0, self.epochs = time.perf_counter(), time.process_time(), []
            return self

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append(
                (time.perf_counter() - self.wall0, time.process_time() - self.cpu0, dict(logs))
            )

    return EpochClock().start


def train(kind, x, x_val, *, recipe, epochs, seed, metrics=None, feed="arrays"):
    """Build, compile and fit one model; return the per-epoch clock and the model.

    ``feed="arrays"``: ``fit(x, x, batch_size=...)`` (sections 1 and 4: the recipe's own
    speed); ``feed="batches"``: ``ae.batches``, as the notebooks feed it (section 2).
    """
    import keras

    keras.utils.set_random_seed(seed)
    model = MODELS[kind]()
    x, x_val = _images_for(kind, x), _images_for(kind, x_val)
    clock = _clock_callback()()
    compile_autoencoder(model, recipe=recipe, epochs=epochs, n_train=len(x), metrics=metrics)
    if feed == "batches":
        model.fit(ae.batches(x, recipe=recipe), epochs=epochs,
                  validation_data=ae.batches(x_val, shuffle=False, batch_size=500),
                  verbose=0, callbacks=[clock])
    else:
        model.fit(x, x, batch_size=recipe.batch_size, epochs=epochs,
                  validation_data=(x_val, x_val), verbose=0, callbacks=[clock])
    return clock.epochs, model


def _first_reaching(epochs, target):
    """Return (wall, cpu, epoch number) of the first epoch whose val_loss <= target."""
    for i, (wall, cpu, logs) in enumerate(epochs, start=1):
        if logs["val_loss"] <= target:
            return wall, cpu, i
    return None


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- section 1


def time_to_quality(x, x_val, *, repeats, reference_epochs, fast_epochs, variants=()):
    """Section 1: the reference recipe for ``reference_epochs``, then SHALLOW_RECIPE.

    Runs are interleaved (reference, fast, reference, fast, ...; seeds 0, 1, ...) so both
    see the same machine load. The target is the median final validation loss of the
    reference runs; the fast recipe's time is the wall time to the end of the first epoch
    whose validation loss reaches it. ``variants`` are extra (name, recipe, epochs) runs,
    one each, to show what each lever is worth.
    """
    # Warm-up: the first fit of a process pays TensorFlow's one-off start-up costs.
    fast = model_recipe("simple")
    train("simple", x[:512], x_val[:256], recipe=fast, epochs=1, seed=99)
    ref_runs, fast_runs = [], []
    for seed in range(repeats):
        ref_runs.append(train("simple", x, x_val, recipe=REFERENCE_RECIPE,
                              epochs=reference_epochs, seed=seed)[0])
        fast_runs.append(train("simple", x, x_val, recipe=fast, epochs=fast_epochs,
                               seed=seed)[0])
    variant_runs = [(name, recipe, ep, train("simple", x, x_val, recipe=recipe, epochs=ep,
                                             seed=0)[0]) for name, recipe, ep in variants]
    target = statistics.median(run[-1][2]["val_loss"] for run in ref_runs)

    def summary(run, total_wall=False):
        hit = _first_reaching(run, target)
        return {
            "final_val_loss": run[-1][2]["val_loss"],
            "total_wall_s": run[-1][0],
            "total_cpu_s": run[-1][1],
            "reach_wall_s": hit[0] if hit else None,
            "reach_cpu_s": hit[1] if hit else None,
            "reach_epoch": hit[2] if hit else None,
            "curve": [round(logs["val_loss"], 5) for _, _, logs in run],
        }

    refs = [summary(r) for r in ref_runs]
    fasts = [summary(r) for r in fast_runs]
    ref_wall = _median(r["total_wall_s"] for r in refs)
    ref_cpu = _median(r["total_cpu_s"] for r in refs)
    fast_wall = _median(f["reach_wall_s"] for f in fasts) if all(
        f["reach_wall_s"] is not None for f in fasts) else None
    fast_cpu = _median(f["reach_cpu_s"] for f in fasts) if fast_wall is not None else None
    pair_ratios = [f["reach_wall_s"] / r["total_wall_s"] for r, f in zip(refs, fasts, strict=True)
                   if f["reach_wall_s"] is not None]
    variant_rows = []
    for name, recipe, ep, run in variant_runs:
        s = summary(run)
        s.update(name=name, recipe=_recipe_dict(recipe), epochs=ep,
                 ratio_wall=s["reach_wall_s"] / ref_wall if s["reach_wall_s"] else None,
                 ratio_cpu=s["reach_cpu_s"] / ref_cpu if s["reach_cpu_s"] else None)
        variant_rows.append(s)
    return {
        "n_train": len(x), "n_val": len(x_val), "repeats": repeats,
        "reference_recipe": _recipe_dict(REFERENCE_RECIPE), "reference_epochs": reference_epochs,
        "fast_recipe": _recipe_dict(fast), "fast_epochs": fast_epochs,
        "target_val_loss": target,
        "reference": refs, "fast": fasts,
        "reference_wall_s": ref_wall, "reference_cpu_s": ref_cpu,
        "fast_reach_wall_s": fast_wall, "fast_reach_cpu_s": fast_cpu,
        "ratio_wall": fast_wall / ref_wall if fast_wall else None,
        "ratio_cpu": fast_cpu / ref_cpu if fast_cpu else None,
        "pair_ratios_wall": pair_ratios,
        "variants": variant_rows,
    }


def _recipe_dict(recipe):
    return {k: getattr(recipe, k) for k in recipe.__dataclass_fields__}


# --------------------------------------------------------------------------- section 2


def pca_mse(x, x_val, n_components=32):
    """Fit PCA on the training images; return (validation MSE, seconds to fit).

    PCA's reconstructions are clipped to [0, 1], the range of the images and of every
    model's output, as notebooks 02 and 03 do: the raw reconstructions stray outside it and
    would flatter every model's ratio to PCA (by about 4% for PCA-32 on Fashion-MNIST).
    """
    from sklearn.decomposition import PCA

    start = time.perf_counter()
    pca = PCA(n_components=n_components, random_state=0).fit(x.reshape(len(x), -1))
    seconds = time.perf_counter() - start
    flat = x_val.reshape(len(x_val), -1)
    rebuilt = np.clip(pca.inverse_transform(pca.transform(flat)), 0.0, 1.0)
    return float(np.mean((rebuilt - flat) ** 2)), seconds


def quality_vs_pca(x, x_val, *, epochs, n_train=None, seed=0):
    """Section 2: each model's validation MSE over PCA-32's (PCA fitted on the same training
    images as the model: the first ``n_train[kind]`` of ``x``, default all), with its
    training time."""
    import keras

    pcas = {}  # training-set size -> (PCA-32 MSE, seconds to fit)
    rows = []
    for kind, n_epochs in epochs.items():
        n = min((n_train or {}).get(kind, len(x)), len(x))
        if n not in pcas:
            pcas[n] = pca_mse(x[:n], x_val)
        pca = pcas[n][0]
        recipe = model_recipe(kind)
        run, model = train(kind, x[:n], x_val, recipe=recipe, epochs=n_epochs, seed=seed,
                           metrics=["mse"], feed="batches")
        mse = run[-1][2]["val_mse"]
        rows.append({
            "model": kind, "recipe": _recipe_dict(recipe), "epochs": n_epochs, "n_train": n,
            "pca32_mse": pca, "params": int(model.count_params()),
            "val_mse": mse, "val_bce": run[-1][2]["val_loss"], "ratio_to_pca": mse / pca,
            "wall_s": run[-1][0], "cpu_s": run[-1][1],
            "curve_ratio": [round(logs["val_mse"] / pca, 4) for _, _, logs in run],
        })
        del model
        keras.backend.clear_session()
    return {"n_train": len(x), "n_val": len(x_val), "pca32_mse": pcas[len(x)][0]
            if len(x) in pcas else None, "pca_clipped": True,
            "pca_fit_s": max(seconds for _, seconds in pcas.values()), "rows": rows}


# --------------------------------------------------------------------------- section 4


def throughput(x, *, kinds=("simple", "deep", "conv"), epochs=2, matmul_n=2048):
    """Section 4: training FLOP rate of each model over numpy's float32 matmul peak.

    The peak is measured before and after every model (best of 5 each time) and the
    median of those is used, so a busy moment of the machine affects both sides alike.
    Two fractions: by wall clock (GFLOP/s over GFLOP/s, what the issue asks), and by CPU
    time (GFLOP per CPU second over the matmul's), which other jobs disturb less.
    """
    import keras

    peaks = [matmul_gflops(matmul_n, repeats=5)]
    rows = []
    for kind in kinds:
        recipe = model_recipe(kind)
        model = MODELS[kind]()
        data = _images_for(kind, x)
        compile_autoencoder(model, recipe=recipe, epochs=epochs + 1, n_train=len(data))
        model.fit(data, data, batch_size=recipe.batch_size, epochs=1, verbose=0)  # warm up
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(data, data, batch_size=recipe.batch_size, epochs=epochs, verbose=0)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peaks.append(matmul_gflops(matmul_n, repeats=5))
        flops = forward_flops(model)
        samples = epochs * len(data)
        rows.append({
            "model": kind, "batch_size": recipe.batch_size,
            "forward_mflop_per_sample": flops / 1e6,
            "samples_per_s": samples / wall, "cpu_s_per_1k_samples": 1000 * cpu / samples,
            "train_gflops": 3 * flops * samples / wall / 1e9,
            "train_gflop_per_cpu_s": 3 * flops * samples / cpu / 1e9,
        })
        del model
        keras.backend.clear_session()
    peak = statistics.median(p[0] for p in peaks)
    peak_cpu = statistics.median(p[1] for p in peaks)
    for row in rows:
        row["fraction_of_peak"] = row["train_gflops"] / peak
        row["fraction_of_peak_cpu"] = row["train_gflop_per_cpu_s"] / peak_cpu
    return {"n_samples": len(x), "epochs_timed": epochs, "matmul_n": matmul_n,
            "matmul_gflops_samples": [p[0] for p in peaks], "matmul_peak_gflops": peak,
            "matmul_gflop_per_cpu_s_samples": [p[1] for p in peaks],
            "matmul_peak_gflop_per_cpu_s": peak_cpu, "rows": rows}


def lever_variants(fast_epochs):
    """The levers tried against SHALLOW_RECIPE, one change each (the 'what was tried' table)."""
    from dataclasses import replace

    f = SHALLOW_RECIPE
    return [
        ("reference + 100 steps/execution", replace(REFERENCE_RECIPE, steps_per_execution=100),
         50),
        ("SHALLOW, 1 step/execution", replace(f, steps_per_execution=1), fast_epochs),
        ("SHALLOW, jit_compile (XLA)", replace(f, jit_compile=True), fast_epochs),
        ("SHALLOW, constant rate", replace(f, schedule="constant"), fast_epochs),
        ("FAST_RECIPE (batch 32), 8 epochs", FAST_RECIPE, 8),
        ("SHALLOW, batch 128, rate 1e-2", replace(f, batch_size=128, learning_rate=1e-2),
         fast_epochs),
    ]


__all__ = ["Recipe", "time_to_quality", "quality_vs_pca", "throughput", "lever_variants"]
