"""Training a learner's model briefly, so that a check can look at what it does."""

import numpy as np


def fit_briefly(model, x, y, *, loss, epochs=2, batch_size=64, learning_rate=1e-3, seed=0):
    """Train the learner's model in place for a few epochs; return the loss before and after each.

    The learner's model is compiled with Adam and ``loss`` and trained on (x, y) with a fixed
    seed, so the same answer always gets the same verdict. Returns a list of floats (NaN when
    training blew up), the first measured before any training, then one per epoch.
    """
    import keras

    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    losses = [float(model.evaluate(x, y, batch_size=256, verbose=0))]
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    losses += [float(v) for v in history.history["loss"]]
    return [v if np.isfinite(v) else float("nan") for v in losses]
