"""OpenAPI description of the beacon-friendly session authentication."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BeaconSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "feeds.api.views.BeaconSessionAuthentication"
    name = "beaconCookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
