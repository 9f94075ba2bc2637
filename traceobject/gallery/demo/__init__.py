"""Demo content for ``traceobject demo``: objects with images drawn by code, and sealed demo tips."""

from traceobject.gallery.demo.load import DemoSummary, demo_load

__all__ = ["DemoSummary", "demo_load"]
