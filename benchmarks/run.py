"""Benchmark the course on this machine and write benchmarks/RESULTS.md.

    AEHELPERS_DATA_DIR=/path/to/data python benchmarks/run.py           # full run, ~45 min
    AEHELPERS_DATA_DIR=/path/to/data python benchmarks/run.py --quick   # ~2-3 min smoke run

Sections (``--sections 1,3`` runs some of them; the others are kept from the last run):

1. Time to quality: the Keras-blog reference recipe against ``ae.SHALLOW_RECIPE`` on the
   784-32-784 autoencoder (MNIST, first 10k training images; official 10k test images).
2. Quality against PCA at the same code size (Fashion-MNIST, 60k training / 10k test).
3. Every notebook's wall time and kernel peak memory, quick and full mode (MNIST notebooks
   that use all training digits also on a 60,000-image stand-in: see ``_run_60k_stand_in``).
4. Training FLOP rate of the models over numpy's float32 matmul peak.

The full run writes ``benchmarks/RESULTS.md`` and ``benchmarks/results.json`` (the raw
figures, used to keep sections that were not rerun). ``--quick`` uses small data and few
epochs, runs a tiny self-made notebook instead of the course's, and writes nothing unless
``--output`` is given: CI runs it so that this script cannot rot; it never asserts timings.

Exit status: 0 when every section ran (targets missed or not: those are findings, reported
in the table); 1 when a section crashed or a notebook failed.
"""

import argparse
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.machine import machine_info  # noqa: E402

RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
RESULTS_JSON = ROOT / "benchmarks" / "results.json"

FULL = {
    "s1": {"n_train": 10_000, "n_val": 10_000, "repeats": 3, "reference_epochs": 50,
           "fast_epochs": 6, "variants": True},
    # The notebooks' own settings: 03 trains its deep model 11 epochs on 60,000 images
    # (DENSE_RECIPE), 04 its conv model 6 epochs on 30,000 (FAST_RECIPE); PCA is fitted on
    # the same images as each model.
    "s2": {"n_train": 60_000, "n_val": 10_000, "epochs": {"simple": 10, "deep": 11, "conv": 6},
           "model_n_train": {"conv": 30_000}},
    "s4": {"n_samples": 10_000, "epochs": 2, "matmul_n": 2048},
}
QUICK = {
    "s1": {"n_train": 2_000, "n_val": 1_000, "repeats": 1, "reference_epochs": 5,
           "fast_epochs": 2, "variants": False},
    "s2": {"n_train": 3_000, "n_val": 1_000, "epochs": {"simple": 1, "deep": 1, "conv": 1}},
    "s4": {"n_samples": 1_000, "epochs": 1, "matmul_n": 1024},
}

SMOKE_NOTEBOOK = [
    "import numpy as np\nimport aehelpers as ae\nS = ae.sizes(epochs=2)",
    "big = np.ones((50_000_000,), dtype=np.uint8)  # 50 MB, so the memory probe sees it\n"
    "assert big.sum() == 50_000_000",
]


def data_dir():
    """Return the local data folder: $AEHELPERS_DATA_DIR, else ../shared/data if present."""
    env = os.environ.get("AEHELPERS_DATA_DIR")
    if env:
        return env
    guess = ROOT.parent / "shared" / "data"
    if guess.is_dir():
        os.environ["AEHELPERS_DATA_DIR"] = str(guess)
        return str(guess)
    sys.exit("Set AEHELPERS_DATA_DIR to the folder holding mnist/ and fashion-mnist/ "
             "(the benchmark runs offline on local data).")


def section_1(cfg):
    import aehelpers as ae
    from benchmarks import training_bench as tb

    (x, _), (x_val, _) = ae.load_mnist(flatten=True)
    x, x_val = x[: cfg["n_train"]], x_val[: cfg["n_val"]]
    variants = tb.lever_variants(cfg["fast_epochs"]) if cfg["variants"] else ()
    result = tb.time_to_quality(x, x_val, repeats=cfg["repeats"],
                                reference_epochs=cfg["reference_epochs"],
                                fast_epochs=cfg["fast_epochs"], variants=variants)
    val = ("the official 10k test set" if len(x_val) == 10_000
           else f"the first {len(x_val):,} official test images")
    result["data"] = f"MNIST, first {len(x):,} training images (NOT full MNIST); validated on {val}"
    return result


def section_2(cfg):
    import aehelpers as ae
    from benchmarks import training_bench as tb

    n_train = cfg["n_train"] if cfg["n_train"] < 60_000 else None
    n_val = cfg["n_val"] if cfg["n_val"] < 10_000 else None
    (x, _), (x_val, _) = ae.load_fashion_mnist(flatten=True, n_train=n_train, n_test=n_val)
    result = tb.quality_vs_pca(x, x_val, epochs=cfg["epochs"],
                               n_train=cfg.get("model_n_train", {}))
    result["data"] = (f"Fashion-MNIST, up to {len(x):,} training images (each model's count is "
                      f"in the table), {len(x_val):,} held-out official test images; PCA-32 is "
                      "fitted on the same training images as each model")
    return result


def section_3(notebooks, modes, data):
    from benchmarks import notebook_stats as ns

    rows = []
    mnist_train = _local_mnist_train_count(data)
    # Kernels map TensorFlow's libraries as read from disk, as on a learner's machine, however
    # recently pip wrote them (notebook_stats.drop_cached_libraries; make test does the same).
    ns.drop_cached_libraries(sys.prefix)
    for path in notebooks:
        for mode in modes:
            env = {"AEHELPERS_DATA_DIR": data, "AEHELPERS_QUICK": "1" if mode == "quick" else "0"}
            print(f"  running {Path(path).name} ({mode}) ...", flush=True)
            stats = ns.notebook_stats(path, env)
            row = _notebook_row(path, mode, stats)
            if mode == "full" and not stats.error and mnist_train:
                estimate = _estimate_60k(stats, mnist_train)
                if estimate is not None:
                    row["estimate_60k_seconds"] = estimate
            rows.append(row)
            print(f"    {report.notebook_line(row)}", flush=True)
            if row.get("estimate_60k_seconds"):
                rows.append(_run_60k_stand_in(path, data, mnist_train))
                print(f"    {report.notebook_line(rows[-1])}", flush=True)
    return {"rows": rows, "mnist_local_train": mnist_train,
            "limit_mb": ns.MEMORY_LIMIT_BYTES / 1e6}


def _run_60k_stand_in(path, data, mnist_train):
    """Run an MNIST notebook in full mode on a 60,000-image stand-in training set.

    The stand-in repeats the local MNIST training digits until there are 60,000 (the test
    set and Fashion-MNIST are the local ones): the run has the size, hence the time and the
    memory, of a full-MNIST run. Its losses and checks are NOT full-data figures.
    """
    from benchmarks import notebook_stats as ns

    with tempfile.TemporaryDirectory() as folder:
        _write_padded_mnist(Path(data), Path(folder), n=60_000)
        env = {"AEHELPERS_DATA_DIR": folder, "AEHELPERS_QUICK": "0"}
        print(f"  running {Path(path).name} (full, 60k stand-in) ...", flush=True)
        stats = ns.notebook_stats(path, env)
    return {**_notebook_row(path, "full, 60k stand-in", stats), "stand_in_of": mnist_train}


def _notebook_row(path, mode, stats):
    """Return section 3's record of one notebook run (a NotebookStats) as a JSON-able dict."""
    from benchmarks import notebook_stats as ns

    return {"notebook": Path(path).name, "mode": mode, "seconds": stats.seconds,
            "cpu_seconds": stats.cpu_seconds, "peak_rss_mb": stats.peak_rss_bytes / 1e6,
            "error": stats.error, "fits": stats.fits, "loads": stats.loads,
            "memory_jumps": ns.memory_rises(stats.cell_peaks),
            "memory_at_end": stats.memory_at_end,
            "longest_cell": max(stats.cell_seconds, key=lambda c: c[2], default=None)}


def _write_padded_mnist(data, folder, *, n):
    """Write IDX files to folder: MNIST's local training set repeated to n images."""
    import gzip
    import shutil

    import numpy as np

    from aehelpers.data import IMAGES_MAGIC, LABELS_MAGIC, read_idx

    (folder / "mnist").mkdir()
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(data / "mnist" / name, folder / "mnist" / name)
    (folder / "fashion-mnist").symlink_to(data / "fashion-mnist")
    for kind, magic, name in (("images", IMAGES_MAGIC, "train-images-idx3-ubyte.gz"),
                              ("labels", LABELS_MAGIC, "train-labels-idx1-ubyte.gz")):
        array = read_idx(data / "mnist" / name, expect=kind)
        array = np.resize(array, (n, *array.shape[1:])).astype(np.uint8)  # repeats the rows
        header = np.array([magic, *array.shape], dtype=">u4").tobytes()
        with gzip.open(folder / "mnist" / name, "wb", compresslevel=1) as f:
            f.write(header + array.tobytes())


def _local_mnist_train_count(data):
    from aehelpers.data import read_idx

    try:
        return len(read_idx(Path(data) / "mnist" / "train-labels-idx1-ubyte.gz", expect="labels"))
    except Exception:
        return None


def _estimate_60k(stats, mnist_train):
    """Estimate a full-mode MNIST notebook's time with all 60,000 training digits.

    Only when the notebook loaded ALL the local MNIST training images (n_train=None) and
    there are fewer than 60,000 here: every fit on 50-100% of them is scaled by
    60,000 / local count. Returns None when the notebook did not do that.
    """
    loaded = [got for name, asked, got in stats.loads
              if name == "mnist" and asked is None and got == mnist_train]
    if not loaded or mnist_train >= 60_000:
        return None
    extra = sum(seconds * (60_000 / mnist_train - 1) for seconds, n, _ in stats.fits
                if n and 0.5 * mnist_train <= n <= mnist_train)
    return stats.seconds + extra


def section_4(cfg):
    import aehelpers as ae
    from benchmarks import training_bench as tb

    (x, _), _ = ae.load_fashion_mnist(flatten=True, n_train=cfg["n_samples"], n_test=100)
    result = tb.throughput(x, epochs=cfg["epochs"], matmul_n=cfg["matmul_n"])
    result["data"] = f"Fashion-MNIST, {len(x):,} training images"
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small, fast smoke run (CI)")
    parser.add_argument("--sections", default="1,2,3,4", help="e.g. 1,3 (default: all)")
    parser.add_argument("--notebooks", nargs="*", default=None,
                        help="notebooks for section 3 (default: notebooks/*.ipynb; in --quick "
                             "a tiny self-made notebook)")
    parser.add_argument("--modes", default="quick,full", help="notebook modes for section 3")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: rewrite the Markdown file from results.json")
    parser.add_argument("--output", default=None,
                        help=f"Markdown file to write (default: {RESULTS_MD.relative_to(ROOT)}; "
                             "--quick writes none unless given)")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.sections.split(",") if s.strip()}
    if not sections <= {"1", "2", "3", "4"}:
        parser.error(f"--sections must list numbers 1-4, got {args.sections!r}")
    if args.report_only:
        output = Path(args.output or RESULTS_MD)
        output.write_text(report.results_markdown(json.loads(RESULTS_JSON.read_text())))
        print(f"wrote {output} from {RESULTS_JSON.name}")
        return 0
    cfg = QUICK if args.quick else FULL
    data = data_dir()

    previous = {}
    if not args.quick and RESULTS_JSON.is_file():
        previous = json.loads(RESULTS_JSON.read_text())
    results = {"machine": machine_info(), "quick": args.quick,
               "sections": dict(previous.get("sections", {}))}
    print(report.machine_lines(results["machine"]), flush=True)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        jobs = {
            "1": lambda: section_1(cfg["s1"]),
            "2": lambda: section_2(cfg["s2"]),
            "3": lambda: section_3(_notebooks(args, tmp), args.modes.split(","), data),
            "4": lambda: section_4(cfg["s4"]),
        }
        for number in sorted(sections):
            print(f"\n== section {number}: {report.TITLES[number]}", flush=True)
            try:
                result = jobs[number]()
                result["machine"] = results["machine"]
                if number == "3" and args.notebooks is not None and not args.quick:
                    result["rows"] = _keep_other_notebooks(previous, result["rows"])
                results["sections"][number] = result
                print(report.section_markdown(number, result), flush=True)
                if number == "3" and any(r["error"] for r in result["rows"]):
                    failed = True
            except Exception:
                failed = True
                text = traceback.format_exc()
                print(text, file=sys.stderr, flush=True)
                results["sections"][number] = {"crashed": text.strip().splitlines()[-1],
                                               "machine": results["machine"]}
    output = args.output or (None if args.quick else RESULTS_MD)
    if output:
        Path(output).write_text(report.results_markdown(results))
        print(f"\nwrote {output}")
        if not args.quick:
            RESULTS_JSON.write_text(json.dumps(results, indent=1, default=float) + "\n")
            print(f"wrote {RESULTS_JSON}")
    return 1 if failed else 0


def _keep_other_notebooks(previous, rows):
    """Section 3 rows of this run, after the previous run's rows of the notebooks not rerun.

    A kept row says which run it comes from (``from_run``: that run's date and commit).
    """
    earlier = previous.get("sections", {}).get("3", {})
    machine = earlier.get("machine", {})
    rerun = {row["notebook"] for row in rows}
    kept = [dict(row, from_run=row.get("from_run") or
                 f"{machine.get('date', '?')}, commit {machine.get('commit', '?')}")
            for row in earlier.get("rows", []) if row["notebook"] not in rerun]
    return kept + rows


def _notebooks(args, tmp):
    if args.notebooks is not None:
        return [Path(p) for p in args.notebooks]
    if args.quick:
        import nbformat

        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in SMOKE_NOTEBOOK])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        path = Path(tmp) / "smoke.ipynb"
        nbformat.write(nb, path)
        return [path]
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


if __name__ == "__main__":
    sys.exit(main())
