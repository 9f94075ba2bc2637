"""System check: the safety scan needs OpenCV's Haar cascades, which opencv-python 5 no longer ships."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def face_detector_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from traceobject.imaging.scan import face_detector

    if face_detector() is not None:
        return []
    return [
        checks.Warning(
            "OpenCV's face cascades cannot be loaded, so the safety scan cannot look for faces.",
            hint="Install opencv-python-headless 4.x (version 5 no longer ships the Haar cascades).",
            id="imaging.W001",
        )
    ]
