from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "traceobject.imaging"
    label = "imaging"

    def ready(self) -> None:
        from traceobject.gallery import hooks
        from traceobject.imaging import checks  # noqa: F401 - registers the system check
        from traceobject.imaging.selectors import object_safety_report
        from traceobject.imaging.services import object_withdrawn_files_remove

        # The gallery's review asks for the safety report, and a withdrawal drops the public files.
        hooks.object_safety_report.register(object_safety_report)
        hooks.object_withdrawn.register(object_withdrawn_files_remove)
