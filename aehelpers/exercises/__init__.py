"""Checks for the exercises at the end of every notebook, one file per notebook.

``notebookNN.py`` holds the checks of notebook NN. Each public check is listed in its
file's ``__all__`` and reached as ``ae.check_...`` (the package's ``__init__.py`` reads the
``__all__`` of every public file, so a new file here needs no other change). The private
helpers are ``_feedback.py`` (what a check prints: a verdict, then a hint that grows
stronger when the same mistake comes back), ``_inspect.py`` (reading a learner's Keras model
layer by layer) and ``_probe.py`` (training a learner's model briefly).

A check never raises for a wrong answer: it prints what is right or what to fix and returns
True or False. Only a wrong *option* of the check itself raises a TypeError or ValueError.
"""
