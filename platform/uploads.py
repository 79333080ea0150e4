"""An upload handler that streams every upload to a temporary file and stops at a size limit."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Never buffers a file in memory, and stops reading once an upload passes the limit.

    The request gets ``upload_too_large = True`` so the view can say why the file is missing.
    """

    def _limit(self) -> int:
        return int(settings.VIDEO_MAX_UPLOAD_MB) * 1024 * 1024

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        # Raising here would escape Django's parser; refuse at the first file instead.
        self.declared_too_large = bool(content_length and content_length > self._limit() + 64 * 1024)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "declared_too_large", False):
            self._refuse()
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self._limit():
            self.file.close()
            self._refuse()
        return super().receive_data_chunk(raw_data, start)

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)
