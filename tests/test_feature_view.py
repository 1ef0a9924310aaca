"""Notebook 09's feature view: pick a unit, see its top images, activations and classes."""

import numpy as np
import pytest

from aehelpers.widgets.features import feature_view

RNG = np.random.default_rng(0)
IMAGES = RNG.random((60, 28, 28)).astype("float32")
LABELS = np.arange(60) % 3
CODES = np.zeros((60, 4), "float32")
CODES[:, 0] = np.where(LABELS == 2, RNG.random(60) + 1, 0.0)  # unit 0: class 2 only
CODES[:, 1] = RNG.random(60)  # unit 1: active on every image
CODES[:5, 2] = 1.0  # unit 2: five images
# unit 3: dead


def test_the_view_is_one_widget_with_its_css_class_and_a_static_copy():
    view = feature_view(CODES, IMAGES, labels=LABELS, class_names=["a", "b", "c"])
    assert "aehelpers-feature-view" in view._dom_classes
    assert "aehelpers-view" in view._dom_classes
    html = view.static_html()
    assert "<img" in html and "unit 1" in html


def test_units_are_listed_most_often_active_first_and_the_first_is_shown():
    view = feature_view(CODES, IMAGES, labels=LABELS)
    assert [value for _, value in view.menu.options] == [1, 0, 2, 3]
    assert view.menu.value == 1
    assert "active on 60 of 60 images" in view.status.value


def test_choosing_a_unit_shows_its_top_images_and_main_class():
    view = feature_view(CODES, IMAGES, labels=LABELS, class_names=["a", "b", "c"], n_top=8)
    before = view.top_picture.value
    view.menu.value = 0
    assert "unit 0: active on 20 of 60 images" in view.status.value
    assert "top 8: 8 of them c" in view.status.value
    assert view.top_picture.value != before


def test_a_dead_unit_is_shown_without_error():
    view = feature_view(CODES, IMAGES, unit=3)
    assert "active on 0 of 60" in view.status.value
    assert not view.output.outputs


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"codes": CODES[:, 0]}, ValueError, "codes"),
        ({"codes": "codes"}, TypeError, "codes"),
        ({"images": IMAGES[:10]}, ValueError, "one image per row"),
        ({"images": IMAGES * 3}, ValueError, "images"),
        ({"labels": LABELS[:5]}, ValueError, "labels"),
        ({"class_names": ["a", "b", "c"]}, ValueError, "class_names needs labels"),
        ({"unit": 4}, ValueError, "unit"),
        ({"unit": "0"}, TypeError, "unit"),
        ({"n_top": 0}, ValueError, "n_top"),
    ],
)
def test_bad_input_is_rejected_naming_the_argument(kwargs, error, words):
    args = {"codes": CODES, "images": IMAGES, **kwargs}
    with pytest.raises(error, match=words):
        feature_view(args.pop("codes"), args.pop("images"), **args)
