"""HTTP helpers: serve a stored file with byte-range support, as HTML5 video seeking needs.

Django's FileResponse answers only whole files (its Range support is an open
ticket), and browsers cannot seek a <video> without ``206 Partial Content``.
On object storage we redirect to the storage's own (signed) URL instead.
"""

import re
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class _BoundedReader:
    def __init__(self, handle: Any, length: int) -> None:
        self.handle, self.remaining = handle, length

    def __iter__(self) -> "_BoundedReader":
        return self

    def __next__(self) -> bytes:
        if self.remaining <= 0:
            self.handle.close()
            raise StopIteration
        data: bytes = self.handle.read(min(CHUNK, self.remaining))
        if not data:
            self.handle.close()
            raise StopIteration
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def stored_file_response(
    request: HttpRequest, *, storage: Any, name: str, content_type: str
) -> HttpResponseBase:
    try:
        size = storage.size(name)
        storage.path(name)
    except NotImplementedError:
        return HttpResponseRedirect(storage.url(name))
    header = request.headers.get("Range", "")
    match = RANGE_RE.match(header.strip()) if header else None
    if not match or (not match.group(1) and not match.group(2)):
        whole = FileResponse(storage.open(name, "rb"), content_type=content_type)
        whole["Accept-Ranges"] = "bytes"
        return whole
    first, last = match.group(1), match.group(2)
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # a suffix range: the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start >= size or start > end:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    handle = storage.open(name, "rb")
    handle.seek(start)
    streaming = StreamingHttpResponse(
        _BoundedReader(handle, end - start + 1), status=206, content_type=content_type
    )
    streaming["Content-Range"] = f"bytes {start}-{end}/{size}"
    streaming["Content-Length"] = str(end - start + 1)
    streaming["Accept-Ranges"] = "bytes"
    return streaming
