"""The blank figure every diagram starts from."""


def new_figure(**kwargs):
    """Make a matplotlib figure that pyplot does not keep (no plt.show, no pile-up)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(**kwargs)
    plt.close(fig)  # the notebook still displays the returned figure
    return fig
