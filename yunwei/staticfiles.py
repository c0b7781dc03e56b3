"""Static files as the bureau's intranet needs them: nothing that loads from the internet."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class YunweiStaticFilesConfig(StaticFilesConfig):
    # drf-spectacular-sidecar ships Redoc as well as Swagger UI; Redoc's bundle fetches its logo
    # from a CDN and Yunwei serves only Swagger UI, so Redoc is never collected or served.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc"]
