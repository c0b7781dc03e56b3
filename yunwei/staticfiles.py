"""Static files as the bureau's intranet needs them: nothing that loads from the internet."""

from django.contrib.staticfiles import finders

# drf-spectacular-sidecar ships Redoc as well as Swagger UI; Redoc's bundle fetches its logo
# from a CDN and Yunwei serves only Swagger UI, so Redoc is never found, collected or served.
EXCLUDED = ("drf_spectacular_sidecar/redoc",)


def _excluded(path: str) -> bool:
    return path.replace("\\", "/").startswith(EXCLUDED)


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if not _excluded(path):
                yield path, storage

    def find(self, path, find_all=False, **kwargs):
        if _excluded(path):
            return []
        return super().find(path, find_all=find_all, **kwargs)
