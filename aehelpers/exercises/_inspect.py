"""Reading a learner's Keras model: its layers in order, their types and output sizes."""

import math


def layers(model):
    """Every layer of a Keras model, nested models opened up, in order (Input layers left out)."""
    for layer in model.layers:
        if hasattr(layer, "layers"):
            yield from layers(layer)
        elif type(layer).__name__ != "InputLayer":
            yield layer


def width(layer):
    """How many numbers a layer outputs per example (None when Keras does not know)."""
    try:
        shape = layer.output.shape[1:]
    except (AttributeError, ValueError):
        return None
    return math.prod(shape) if None not in shape else None


def layer_types(model):
    """The class names of the model's layers, in order, e.g. ['Flatten', 'Dense', ...]."""
    return [type(layer).__name__ for layer in layers(model)]


def activation_name(layer):
    """The name of a layer's activation ('relu', 'sigmoid', 'linear'), or None if it has none."""
    activation = getattr(layer, "activation", None)
    return None if activation is None else getattr(activation, "__name__", str(activation))
