"""ae.plot_pretraining_pipeline draws notebook 08's two steps: what is reused, dropped, added."""

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

import aehelpers as ae
from aehelpers.diagrams.pretraining import DROPPED_COLOR, ENCODER_COLOR, HEAD_COLOR


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def _boxes(fig):
    """(facecolour as hex, centre y) of every box."""
    from matplotlib.colors import to_hex

    return [(to_hex(p.get_facecolor()), p.get_y() + p.get_height() / 2)
            for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]


def test_it_returns_a_figure_without_showing_it():
    import matplotlib.pyplot as plt

    fig = ae.plot_pretraining_pipeline()
    assert isinstance(fig, Figure)
    assert fig.number not in plt.get_fignums()  # pyplot does not keep it


def test_the_reused_part_is_in_both_steps_and_the_dropped_parts_only_in_the_first():
    fig = ae.plot_pretraining_pipeline(reused="conv layers", dropped=("code", "decoder"))
    boxes = _boxes(fig)
    top = max(y for _, y in boxes)
    bottom = min(y for _, y in boxes)
    encoder_rows = sorted(y for c, y in boxes if c == ENCODER_COLOR)
    assert encoder_rows == [bottom, top]
    dropped_rows = [y for c, y in boxes if c == DROPPED_COLOR]
    assert dropped_rows == [top, top]
    assert [y for c, y in boxes if c == HEAD_COLOR] == [bottom]
    texts = _texts(fig)
    assert texts.count("conv layers") == 2
    assert "code\n(dropped)" in texts and "decoder\n(dropped)" in texts
    assert any("copy the weights" in t for t in texts)


def test_the_number_of_classes_and_the_title_are_shown():
    fig = ae.plot_pretraining_pipeline(n_classes=3, title="Two steps")
    assert any("3 probabilities" in t for t in _texts(fig))
    assert fig._suptitle.get_text() == "Two steps"


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [({"reused": ""}, TypeError, "reused"),
     ({"head": 3}, TypeError, "head"),
     ({"dropped": "decoder"}, TypeError, "dropped"),
     ({"dropped": ()}, TypeError, "dropped"),
     ({"dropped": ("decoder", None)}, TypeError, "dropped"),
     ({"n_classes": 0}, ValueError, "n_classes"),
     ({"n_classes": 2.5}, TypeError, "n_classes"),
     ({"title": 7}, TypeError, "title")],
)
def test_bad_arguments_are_rejected_by_name(kwargs, error, words):
    with pytest.raises(error, match=f"plot_pretraining_pipeline.*{words}"):
        ae.plot_pretraining_pipeline(**kwargs)
