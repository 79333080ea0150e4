"""HTTP helpers: serve a stored file with byte-range support, as HTML5 video seeking needs.

Django's FileResponse answers only whole files (its Range support is an open
ticket), and browsers cannot seek a <video> without ``206 Partial Content``.
On object storage we redirect to the storage's own (signed) URL instead.

Also: a per-read timeout on the client's socket while a view reads a long request body, and the two helpers
of a streamed CSV download.
"""

import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class _BoundedReader:
    """``length`` bytes of an open file in chunks; ``on_sent(sent, size)`` is called once, when the server
    closes the response (after the last chunk, or when the client went away), with the bytes handed
    out so far: a cancelled download counts only what went out."""

    def __init__(
        self, handle: Any, length: int, *, size: int = 0, on_sent: Callable[[int, int], None] | None = None
    ) -> None:
        self.handle, self.remaining = handle, length
        self.size, self.on_sent, self.sent = size, on_sent, 0

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
        self.sent += len(data)
        return data

    def close(self) -> None:
        self.handle.close()
        on_sent, self.on_sent = self.on_sent, None
        if on_sent is not None:
            on_sent(self.sent, self.size)


def stored_file_response(
    request: HttpRequest,
    *,
    storage: Any,
    name: str,
    content_type: str,
    on_sent: Callable[[int, int], None] | None = None,
) -> HttpResponseBase:
    """The file, whole or the byte range asked for. ``on_sent(sent bytes, file size)`` (optional) is
    called once the response is closed; for a file on object storage, whose bytes the server never sees,
    at the redirect with the whole size."""
    size = 0
    try:
        size = storage.size(name)
        storage.path(name)
    except NotImplementedError:
        if on_sent is not None:
            on_sent(size, size)
        return HttpResponseRedirect(storage.url(name))
    header = request.headers.get("Range", "")
    match = RANGE_RE.match(header.strip()) if header else None
    if not match or (not match.group(1) and not match.group(2)):
        whole: StreamingHttpResponse
        if on_sent is None:
            whole = FileResponse(storage.open(name, "rb"), content_type=content_type)
        else:
            # Not FileResponse: the server may hand its file to sendfile(), past any count of the bytes.
            whole = StreamingHttpResponse(
                _BoundedReader(storage.open(name, "rb"), size, size=size, on_sent=on_sent),
                content_type=content_type,
            )
            whole["Content-Length"] = str(size)
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
        _BoundedReader(handle, end - start + 1, size=size, on_sent=on_sent),
        status=206,
        content_type=content_type,
    )
    streaming["Content-Range"] = f"bytes {start}-{end}/{size}"
    streaming["Content-Length"] = str(end - start + 1)
    streaming["Accept-Ranges"] = "bytes"
    return streaming


def _client_socket(request: HttpRequest) -> socket.socket | None:
    """The connection the request arrived on, where the WSGI server lets us reach it.

    gunicorn hands it over in the environ; Django's runserver (and the test live server) wrap the
    socket's file in ``wsgi.input``, which we unwrap. Any other server: None, and its own timeouts apply.
    """
    found = request.META.get("gunicorn.socket")
    if isinstance(found, socket.socket):
        return found
    stream = request.META.get("wsgi.input")
    reader = getattr(getattr(stream, "_read", None), "__self__", stream)  # Django's LimitedStream
    found = getattr(getattr(reader, "raw", None), "_sock", None)  # socket.makefile()'s SocketIO
    return found if isinstance(found, socket.socket) else None


class _TimedBody:
    """The request body, read with a per-read timeout on the client's socket."""

    def __init__(self, request: HttpRequest, client: socket.socket | None) -> None:
        self.request, self.client = request, client

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self.request.read(size)
        except OSError:  # Django wraps the socket's TimeoutError in UnreadablePostError
            if self.client is not None:
                # The rest of the body is not coming: stop reading this connection, so that the server,
                # which drains an unread body after answering, meets its end at once.
                self.client.shutdown(socket.SHUT_RD)
            raise


@contextmanager
def body_read_timeout(request: HttpRequest, *, seconds: float) -> Iterator[_TimedBody]:
    """The request body to read from: a read that waits ``seconds`` for the client raises ``OSError``
    (a client that stops sending holds a worker for a bounded time only)."""
    client = _client_socket(request)
    if client is None:
        yield _TimedBody(request, None)
        return
    previous = client.gettimeout()
    client.settimeout(seconds)
    try:
        yield _TimedBody(request, client)
    finally:
        client.settimeout(previous)


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula (=, +, -, @ first) is quoted to stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class EchoBuffer:
    """A file that hands back what is written, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value
