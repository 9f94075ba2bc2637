"""Demo content for ``traceobject demo``: objects with images drawn by code, sealed demo tips, and every
stage of an object's life walked through the services (``load.demo_load``). An app of its own at the top
of the layers, since it touches every app below it."""
