"""Production static files: whitenoise's hashed, compressed names, with JavaScript module imports rewritten to them."""

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]  # no stubs


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites ``import … from "./x.js"`` to ``./x.<hash>.js`` when collecting.

    Without it a hashed entry module, cached for a year, imports unhashed modules cached for a
    minute: a deploy could pair a new entry with an old module it no longer fits.
    """

    support_js_module_import_aggregation = True
