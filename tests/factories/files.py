"""Small valid files for uploads: the demo's own generators (a one-page PDF written by hand, a PNG drawn
with Pillow), so that tests and the demo upload the same kind of file."""

from sp2k.demo.evidence import demo_png as png
from sp2k.demo.evidence import minimal_pdf

__all__ = ["minimal_pdf", "png"]
