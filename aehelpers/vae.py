"""The Keras pieces of the variational autoencoder (taught in notebook 06).

Keras 3 native: a ``Sampling`` layer draws the code, and the ``VAE`` model computes its
two loss terms in its own ``train_step``/``test_step`` and reports them separately
(``reconstruction_loss`` and ``kl_loss``, plus their sum ``loss``). No ``tf_keras``, no
``Lambda`` layer, no symbolic ``add_loss``. Both classes are registered with Keras, so a
trained VAE saves to a ``.keras`` file and loads back with ``safe_mode=True``. Their
registered names are ``aehelpers>VAE`` and ``aehelpers>Sampling``, the same as when this
module was called ``vae_model.py``: a file saved then loads once this module is imported
(``ae.VAE`` does it); Keras imports it by itself for files saved since.

This module imports Keras (and so TensorFlow); :func:`aehelpers.build_vae` (in
``models.py``) checks its options first and imports it afterwards.
"""

import keras
from keras import ops

__all__ = ["VAE", "Sampling", "reconstruction_loss", "kl_divergence"]


@keras.saving.register_keras_serializable(package="aehelpers")
class Sampling(keras.layers.Layer):
    """Draw a code ``z = z_mean + exp(z_log_var / 2) * epsilon`` with ``epsilon ~ N(0, I)``.

    Taught in notebook 06. This is the "reparameterization trick": the randomness sits in
    ``epsilon``, so gradients flow through ``z_mean`` and ``z_log_var`` to the encoder.
    Call it on ``[z_mean, z_log_var]``. ``seed`` makes the draws repeatable.
    """

    def __init__(self, *, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def reconstruction_loss(images, reconstructions):
    """Binary cross-entropy summed over each image's pixels, then averaged over the images.

    Taught in notebook 06: how badly the decoder gives back the image (in nats per image).
    """
    per_pixel = ops.binary_crossentropy(images, reconstructions)
    pixel_axes = tuple(range(1, len(per_pixel.shape)))
    return ops.mean(ops.sum(per_pixel, axis=pixel_axes))


def kl_divergence(z_mean, z_log_var):
    """KL(q(z|x) || p(z)) for q = N(z_mean, diag(exp(z_log_var))), p = N(0, I); mean over images.

    Taught in notebook 06: ``-0.5 * sum(1 + log var - mean**2 - var)`` over the code's
    dimensions. It is never negative, and 0 only when every image's cloud q(z|x) is exactly
    N(0, I).
    """
    per_dimension = 1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
    return ops.mean(-0.5 * ops.sum(per_dimension, axis=1))


@keras.saving.register_keras_serializable(package="aehelpers")
class VAE(keras.Model):
    """A variational autoencoder: an encoder to (z_mean, z_log_var, z) and a decoder from z.

    Taught in notebook 06. Training minimises ``reconstruction_loss + beta * kl_loss`` and
    reports the three numbers as ``loss``, ``reconstruction_loss`` and ``kl_loss`` (with a
    ``val_`` prefix on validation data). Train it on images alone:
    ``vae.compile(optimizer=...)`` then ``vae.fit(x_train, epochs=..., batch_size=...)``.
    Calling the model (or ``predict``) decodes the mean code ``z_mean``: the same image
    gives the same reconstruction every time. The training step uses TensorFlow's
    GradientTape, so this class needs Keras' TensorFlow backend.
    """

    def __init__(self, encoder, decoder, *, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of every epoch.
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs, training=False):
        z_mean, _, z = self.encoder(inputs, training=training)
        return self.decoder(z if training else z_mean, training=training)

    def compute_losses(self, images, training=False):
        """Return (total, reconstruction, kl) for a batch of images, decoding a SAMPLED code."""
        z_mean, z_log_var, z = self.encoder(images, training=training)
        reconstructions = self.decoder(z, training=training)
        reconstruction = reconstruction_loss(images, reconstructions)
        kl = kl_divergence(z_mean, z_log_var)
        return reconstruction + self.beta * kl, reconstruction, kl

    def _record(self, total, reconstruction, kl):
        self.loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        images = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.compute_losses(images, training=True)
        gradients = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        return self._record(total, reconstruction, kl)

    def test_step(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        return self._record(*self.compute_losses(images, training=False))

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)
