"""The base of every view: a VBox with controls, an error area, and a static copy for pages
without a live kernel (nbconvert, a static render); with a shim for ipywidgets 7.

Every view returns ONE widget that works with ipywidgets 7.7 and 8, in JupyterLab, Colab
and Binder: only core widgets are used, and every picture is a PNG drawn in the kernel.
"""

import base64
import html
import traceback

import ipywidgets as widgets
from IPython.display import display

MAX_IMAGES = 10_000  # reconstruction_browser / interpolation_widget: images held at once
_STATIC_NOTE = (
    "Static picture of this view: run the notebook with a live Jupyter kernel "
    "to move the sliders."
)



def image_widget(png=b""):
    """An Image widget shown at the PNG's own size (never stretched, shrunk to fit)."""
    image = widgets.Image(value=b"", format="png",
                          layout=widgets.Layout(max_width="100%", height="auto"))
    if png:
        put(image, png)
    return image


def put(image, png):
    """Show PNG bytes in an Image widget, fixing its width to the picture's width in pixels."""
    width = f"{int.from_bytes(png[16:20], 'big')}px"  # from the PNG header (IHDR)
    if image.layout.width != width:
        image.layout.width = width
    image.value = png


def caption(text):
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


# --------------------------------------------------------------------------- the view


class InteractiveView(widgets.VBox):
    """What every builder returns: a VBox with its controls, an error area and a fallback.

    ``view.controls`` maps names ("index", "t", "z0", ...) to the control widgets,
    ``view.images`` maps names to the Image widgets, ``view.status`` is the line of text
    under the pictures and ``view.output`` shows errors raised while redrawing. The
    displayed output also carries a one-line ``text/plain`` summary and a static
    ``text/html`` copy of the current state for pages without a live kernel.
    """

    def __init__(self, *, kind, rows, controls, images, css_class):
        self.kind = kind
        self.controls = dict(controls)
        self.images = dict(images)
        self.status = widgets.HTML("")
        self.output = widgets.Output()
        super().__init__(children=[*rows, self.status, self.output])
        self.add_class("aehelpers-view")
        self.add_class(css_class)

    # ----- errors
    def guard(self, function, *, clear=True):
        """Wrap a redraw so that an exception is shown in ``view.output`` instead of lost.

        With ``clear`` a redraw that works removes the message of an earlier failure.
        """

        def guarded(*args, **kwargs):
            try:
                result = function(*args, **kwargs)
            except Exception as err:
                self.show_error(err)
                return None
            if clear:
                self.clear_error()
            return result

        return guarded

    def clear_error(self):
        """Remove the message of an earlier failure."""
        if self.output.outputs:
            self.output.outputs = ()

    def show_error(self, err):
        """Show an exception (with its traceback) in the view's output area."""
        text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
        self.status.value = (
            f"<span style='color:#b00'>&#9888; {html.escape(type(err).__name__)}: "
            f"{html.escape(str(err))[:300]} (details below)</span>"
        )
        self.output.outputs = (
            {"output_type": "stream", "name": "stderr",
             "text": f"{self.kind}: error while redrawing\n{text}"},
        )

    # ----- what a page without a live kernel shows
    def summary(self):
        """One line of text: what this view is and what it shows now."""
        status = _html_to_text(self.status.value)
        return f"{self.kind} (interactive view){': ' + status if status else ''}"

    def __repr__(self):
        return self.summary()

    def static_html(self):
        """Return an HTML copy of the current pictures and text, with a note."""
        return (
            f"<div class='aehelpers-static'>{_static_html(self)}"
            f"<p><em>{_STATIC_NOTE}</em></p></div>"
        )

    def _repr_mimebundle_(self, **kwargs):
        data = {
            "text/plain": self.summary(),
            "text/html": self.static_html(),
        }
        if self._view_name is not None:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self._model_id,
            }
        return data

    if hasattr(widgets.Widget, "_ipython_display_"):  # ipywidgets 7: display goes through here

        def _ipython_display_(self, **kwargs):
            display(self._repr_mimebundle_(), raw=True)
            self._handle_displayed(**kwargs)


def _html_to_text(value):
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", value or "")).strip()


def _static_html(widget):
    """An HTML picture of a widget tree (images, text and control values)."""
    if isinstance(widget, widgets.Image):
        data = base64.b64encode(bytes(widget.value)).decode("ascii")
        return f"<img src='data:image/{widget.format};base64,{data}' style='margin:2px'/>"
    if isinstance(widget, widgets.HTML):
        return f"<div>{widget.value}</div>" if widget.value else ""
    if isinstance(widget, widgets.Label):
        return f"<div>{html.escape(widget.value)}</div>" if widget.value else ""
    if isinstance(widget, widgets.Output):
        parts = []
        for out in widget.outputs:
            if out.get("output_type") == "stream":
                parts.append(f"<pre>{html.escape(out.get('text', ''))}</pre>")
        return "".join(parts)
    if isinstance(widget, widgets.HBox):
        inner = "".join(_static_html(child) for child in widget.children)
        style = "display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start"
        return f"<div style='{style}'>{inner}</div>"
    if isinstance(widget, widgets.Box):
        return "<div>" + "".join(_static_html(child) for child in widget.children) + "</div>"
    if isinstance(widget, widgets.Button):
        return ""
    if hasattr(widget, "value"):
        value = getattr(widget, "label", None) or widget.value
        if isinstance(value, float):
            value = f"{value:.3g}"
        description = html.escape(getattr(widget, "description", "") or "")
        return f"<div>{description} <code>{html.escape(str(value))}</code></div>"
    return ""


def captioned(text, image):
    """An image under a bold caption."""
    return widgets.VBox([caption(text), image])

