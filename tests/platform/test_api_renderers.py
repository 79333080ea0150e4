"""The orjson renderer writes DRF's JSONRenderer's bytes, for every type DRF's encoder knows."""

import datetime
import decimal
import uuid
from dataclasses import dataclass

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from platform.api.renderers import OrjsonRenderer

AWARE = datetime.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC)

PAYLOADS = [
    {},
    [],
    {"next": None, "previous": None, "results": [], "screen_time": None},
    {
        "text": 'quotes " and \\ backslash / slash',
        "controls": "".join(chr(code) for code in range(32)) + "\x7f",
    },
    {"unicode": "Grüße, 東京, emoji 🎬, RTL עברית", "separators": "line\u2028paragraph\u2029end"},
    {"numbers": [0, -1, 2**53, 2**63 - 1, -(2**63), 0.0, -0.0, 1.5, 15.0, 0.1, 1e16, 1e22, 123456.789, 1e-4]},
    {"booleans": [True, False], "nested": {"a": [{"b": {"c": [1, [2, [3]]]}}]}},
    {"datetime": AWARE, "naive": AWARE.replace(tzinfo=None), "no_microseconds": AWARE.replace(microsecond=0)},
    {"date": datetime.date(2026, 3, 1), "time": datetime.time(7, 5, 3, 250000)},
    {"duration": datetime.timedelta(minutes=3, seconds=2), "decimal": decimal.Decimal("12.50")},
    {"uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"), "lazy": gettext_lazy("Not found.")},
    {"tuple": (1, "two"), "set_free": frozenset(), "bytes": b"raw"},
    {1: "integer key", None: "null key", False: "bool key", 2.5: "float key"},
    {"big": 2**64, "negative_big": -(2**70)},
]


@pytest.mark.parametrize("data", PAYLOADS, ids=range(len(PAYLOADS)))
def test_orjson_renderer_writes_the_bytes_drf_writes(data):
    assert OrjsonRenderer().render(data) == JSONRenderer().render(data)


def test_no_data_is_an_empty_body():
    assert OrjsonRenderer().render(None) == JSONRenderer().render(None) == b""


@pytest.mark.parametrize("accepted", ["application/json; indent=4", "application/json; indent=2"])
def test_an_indent_the_client_asks_for_is_drfs_indent(accepted):
    data = {"results": [{"id": 1, "caption": "é"}], "next": None}
    assert OrjsonRenderer().render(data, accepted) == JSONRenderer().render(data, accepted)
    assert b"\n" in OrjsonRenderer().render(data, accepted)


def test_the_browsable_apis_indent_is_drfs_indent():
    data = {"results": [1, 2]}
    context = {"indent": 4}
    assert OrjsonRenderer().render(data, None, context) == JSONRenderer().render(data, None, context)


@dataclass
class Unknown:
    value: int


@pytest.mark.parametrize("value", [Unknown(1), object()])
def test_what_drf_cannot_render_fails_as_in_drf(value):
    with pytest.raises(TypeError) as drf:
        JSONRenderer().render({"value": value})
    with pytest.raises(TypeError) as ours:
        OrjsonRenderer().render({"value": value})
    assert str(ours.value) == str(drf.value)


def test_a_lone_surrogate_fails_as_in_drf():
    with pytest.raises(UnicodeEncodeError):
        JSONRenderer().render({"text": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        OrjsonRenderer().render({"text": "\ud800"})
