"""Pictures of the ideas, drawn by code: one file per picture, each returning a Figure.

They render wherever the notebook runs (JupyterLab, Colab, an exported HTML page), since
they need no image files. Result figures (losses, reconstructions, codes) are in
``plots.py``; these draw the idea a notebook teaches.
"""
