"""Date and time formats that replace Django's own for some languages (``FORMAT_MODULE_PATH``).

Django looks here first and falls back to its own locale formats for every name a module leaves out.
"""
