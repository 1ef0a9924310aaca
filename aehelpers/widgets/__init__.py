"""Interactive views of an autoencoder, one file per view (notebooks 02-09).

- ``browser.py``: :func:`reconstruction_browser`, an image, its reconstruction, the error
  map and the loss (CSS class ``aehelpers-reconstruction-browser``);
- ``explorer.py``: :func:`latent_explorer`, move through the code space and watch the
  decoder's output (``aehelpers-latent-explorer``);
- ``interpolation.py``: :func:`interpolation_widget`, slide between the codes of two
  images (``aehelpers-interpolation``);
- ``live.py``: :class:`LiveTrainingView`, a Keras callback that redraws the loss curves
  and a few reconstructions in place while ``model.fit`` runs (``aehelpers-live-training``);
- ``denoising.py``: :func:`denoising_widget`, noisy / denoised / clean images under a
  noise-level slider (``aehelpers-denoising``);
- ``features.py``: :func:`feature_view`, pick a sparse autoencoder's unit and see its
  top-activating images, its activation histogram and the classes it fires for
  (``aehelpers-feature-view``).

Each returns ONE widget built on ``_view.InteractiveView`` (every view also has the CSS
class ``aehelpers-view``), which works with ipywidgets 7.7 and 8, in JupyterLab, Colab and
Binder: only core widgets are used, and every picture is a PNG drawn in the kernel, in the
course's image style (``aehelpers/_images.py``). Each view

- draws its first state when it is built, and its displayed output also carries a static
  HTML copy of that state, so a page without a live kernel (nbconvert, a static render)
  still shows a picture;
- keeps its slider handlers cheap (reconstructions and decodings are computed once or
  cached), so fast slider moves never pile up model calls;
- shows any error raised while redrawing inside the view, under its pictures.
"""
