"""Countries' subdivisions (ISO 3166-2, from pycountry) for the region people live in."""

from functools import lru_cache

import pycountry


@lru_cache(maxsize=512)
def regions_of(country_code: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of every subdivision of a country, sorted by name."""
    if not country_code:
        return ()
    subdivisions = pycountry.subdivisions.get(country_code=country_code.upper()) or []  # type: ignore[no-untyped-call]
    return tuple(sorted(((s.code, s.name) for s in subdivisions), key=lambda pair: pair[1]))


def region_name(code: str) -> str:
    """ "Bavaria" for "DE-BY"; the code itself when it is not a known subdivision."""
    return dict(regions_of(code[:2])).get(code, code)


def region_resolve(*, country_code: str, value: str) -> str | None:
    """The subdivision code for a typed code or name within a country, or None if there is none."""
    wanted = value.strip().casefold()
    if not wanted:
        return ""
    for code, name in regions_of(country_code):
        if wanted in (code.casefold(), name.casefold()):
            return code
    return None
