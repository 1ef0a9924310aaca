"""The bottleneck picture of an autoencoder: one bar per layer, heights to scale."""

import math

__all__ = ["plot_architecture"]

# Encoder, code and decoder are coloured apart; the input (data, not a layer) is grey.
COLORS = {"input": "#9e9e9e", "encoder": "#4c72b0", "code": "#dd8452", "decoder": "#55a868"}

# The smallest bar, as a fraction of the tallest: a 32-number code beside 6,272 feature-map
# values (notebook 04) would be a hairline at its true scale.
MIN_HEIGHT = 0.015

# Layers that only reshape or regularise: they keep the numbers, so they get no bar.
_PASS_THROUGH = {"Flatten", "Reshape", "Dropout", "GaussianNoise", "Activation",
                 "BatchNormalization", "LayerNormalization", "InputLayer"}


def _layers(model):
    """The model's layers in order, nested models (encoder, decoder) opened up."""
    for layer in model.layers:
        if hasattr(layer, "layers"):
            yield from _layers(layer)
        else:
            yield layer


def _shape(layer):
    """A layer's output shape per example, or None when Keras does not know it."""
    try:
        output = layer.output
    except (AttributeError, ValueError):
        return None
    if isinstance(output, (list, tuple)):  # e.g. a VAE encoder's (mean, log-variance, z)
        output = output[0]
    shape = tuple(output.shape[1:])
    return None if None in shape else shape


def _describe(layer, shape):
    kind = type(layer).__name__
    size = "x".join(str(d) for d in shape)
    activation = getattr(getattr(layer, "activation", None), "__name__", None)
    extra = f", {activation}" if activation not in (None, "linear") else ""
    return f"{kind}\n{size}{extra}"


def _input_of(layer):
    try:
        return layer.input
    except (AttributeError, ValueError):
        return None


def _bars(layer_list, input_shape, encoder_layers):
    """(label, values, part, layer names) for the input and each layer that changes the data.

    Sibling layers that read the same tensor (a VAE's mean and log-variance heads) share one
    bar; ``encoder_layers`` (ids, or None when unknown) says which layers are the encoder's.
    """
    bars = [("input\n" + "x".join(map(str, input_shape)), math.prod(input_shape), "input", [])]
    previous_input = None
    for layer in layer_list:
        shape = _shape(layer)
        if shape is None or type(layer).__name__ in _PASS_THROUGH:
            continue
        part = None if encoder_layers is None else (
            "encoder" if id(layer) in encoder_layers else "decoder")
        layer_input = _input_of(layer)
        if layer_input is not None and layer_input is previous_input and len(bars) > 1:
            _, width, _, names = bars[-1]
            names = [*names, layer.name]
            bars[-1] = (f"{type(layer).__name__} x{len(names)}\n" + "\n".join(names), width,
                        part, names)
            continue
        previous_input = layer_input
        bars.append((_describe(layer, shape), math.prod(shape), part, [layer.name]))
    return bars


def _code_index(bars, code_layer_label):
    """Index of the code bar: the named layer, else the last encoder bar, else the narrowest."""
    if code_layer_label is not None:
        return code_layer_label
    end = 1  # the encoder's bars come first: the code is the last of that run
    while end < len(bars) and bars[end][2] == "encoder":
        end += 1
    if end > 1:
        return end - 1
    widths = [bar[1] for bar in bars[1:-1]] or [bars[0][1]]
    return 1 + widths.index(min(widths)) if len(bars) > 2 else 0


def plot_architecture(model, *, code_layer=None, title=None):
    """Draw a Keras autoencoder as the bottleneck picture: one bar per layer, heights to scale.

    Used from notebook 01 on. ``model`` is a Keras model (Sequential or functional, with the
    encoder and decoder nested or not) or what the course's builders return (an
    ``Autoencoder`` or a VAE's parts, with ``encoder`` and ``decoder``). The first bar is the
    input; each other bar is a layer that changes the data (Flatten, Reshape, Dropout and
    normalisation layers keep the numbers and are left out). A bar's height is proportional
    to how many numbers per example it stands for (the input's size, or what the layer
    outputs), written above it, except that a bar under 1.5% of the tallest (``MIN_HEIGHT``)
    is drawn at 1.5%, so that a small code stays visible; its label gives the layer type,
    output shape and activation.
    The code is the encoder's last layer when the encoder is known, else the layer named
    ``code_layer``, else the narrowest layer. Returns a matplotlib Figure.
    """
    func = "plot_architecture"
    import keras

    encoder = decoder = None
    if hasattr(model, "encoder") and hasattr(model, "decoder"):
        # What a builder returns (encoder, decoder, autoencoder or vae), or a VAE model.
        encoder, decoder = model.encoder, model.decoder
        model = getattr(model, "autoencoder", None)
        if not isinstance(model, keras.Model):
            model = None
    elif not isinstance(model, keras.Model):
        raise TypeError(f"{func}(): model must be a Keras model or what a builder returns "
                        f"(with .encoder and .decoder), got {type(model).__name__}")
    if code_layer is not None and not isinstance(code_layer, str):
        raise TypeError(f"{func}(): code_layer must be a layer's name (a string), "
                        f"got {code_layer!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{func}(): title must be a string or None, got {title!r}")
    if model is not None and encoder is None:
        nested = [layer for layer in model.layers if hasattr(layer, "layers")]
        if len(nested) == 2:  # a model made of an encoder model and a decoder model
            encoder = nested[0]
    first = model if model is not None else encoder
    if not isinstance(first, keras.Model) or not first.inputs:
        raise ValueError(f"{func}(): the model has no known input shape yet: build it with "
                         "keras.Input(shape=...) first")
    layer_list = list(_layers(model)) if model is not None else [
        *_layers(encoder), *_layers(decoder)]
    encoder_layers = None if encoder is None else {id(layer) for layer in _layers(encoder)}
    bars = _bars(layer_list, tuple(first.inputs[0].shape[1:]), encoder_layers)
    code_at = None
    if code_layer is not None:
        found = [i for i, bar in enumerate(bars) if code_layer in bar[3]]
        if not found:
            names = ", ".join(name for bar in bars for name in bar[3])
            raise ValueError(f"{func}(): no layer named {code_layer!r} in the model; "
                             f"its layers are {names}")
        code_at = found[0]
    code_at = _code_index(bars, code_at)
    # By position: the bars before the code are the encoder's, those after it the decoder's
    # (a layer that both use, like a sparse autoencoder's shared bias, counts where it is).
    parts = ["input" if i == 0 else "code" if i == code_at else
             "encoder" if i < code_at else "decoder" for i in range(len(bars))]
    return _draw(bars, parts, title=title)


def _draw(bars, parts, *, title):
    from matplotlib.patches import Patch, Polygon, Rectangle

    from ._canvas import new_figure

    n = len(bars)
    fig = new_figure(figsize=(max(6.0, 1.45 * n), 3.8))
    ax = fig.add_axes((0.01, 0.2, 0.98, 0.66))
    tallest = max(bar[1] for bar in bars)
    bar_width, gap = 0.5, 1.0
    heights = [max(bar[1] / tallest, MIN_HEIGHT) for bar in bars]
    for i, ((label, width, _, _), part, h) in enumerate(zip(bars, parts, heights, strict=True)):
        x = i * gap
        ax.add_patch(Rectangle((x - bar_width / 2, -h / 2), bar_width, h,
                               color=COLORS[part], zorder=2))
        if i + 1 < n:  # a light band to the next bar, so the data's path reads left to right
            h2 = heights[i + 1]
            ax.add_patch(Polygon([(x + bar_width / 2, -h / 2), (x + gap - bar_width / 2, -h2 / 2),
                                  (x + gap - bar_width / 2, h2 / 2), (x + bar_width / 2, h / 2)],
                                 color="#e6e6e6", zorder=1))
        ax.text(x, -0.56, label, ha="center", va="top", fontsize=7.5)
        ax.text(x, h / 2 + 0.03, f"{width:,}", ha="center", va="bottom", fontsize=8)
    ax.set_xlim(-gap / 2 - 0.1, (n - 1) * gap + gap / 2 + 0.1)
    ax.set_ylim(-0.58, 0.62)
    ax.axis("off")
    used = [p for p in COLORS if p in parts]
    fig.legend(handles=[Patch(color=COLORS[p], label=p) for p in used], loc="lower center",
               ncol=len(used), frameon=False, fontsize=8)
    fig.suptitle(title or "Numbers per example after each layer (bar heights to scale)",
                 fontsize=10, y=0.98)
    return fig
