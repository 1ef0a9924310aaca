"""Model builders: dense and stacked autoencoders (notebooks 01-03).

Every builder returns an :class:`Autoencoder` (encoder, decoder, autoencoder), and
``show_source(builder)`` prints its Keras code, so the architecture is never hidden.
"""

import inspect
from typing import NamedTuple


class Autoencoder(NamedTuple):
    """What a builder returns: the encoder, the decoder, and the whole model."""

    encoder: object
    decoder: object
    autoencoder: object


def show_source(obj):
    """Print the source code of a builder (or any function or class) and return it as text.

    Rejects objects without Python source (e.g. a number or a built-in).
    """
    try:
        text = inspect.getsource(obj)
    except (TypeError, OSError):
        raise TypeError(
            f"show_source() needs a Python function or class, got {type(obj).__name__}"
        ) from None
    print(text)
    return text
