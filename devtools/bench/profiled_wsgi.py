"""The site's WSGI application with cProfile around the requests ``benchmark_http --profile`` marks.

gunicorn serves ``devtools.bench.profiled_wsgi:application`` instead of ``platform.wsgi`` only under that
flag. A request carrying the ``X-Bench-Profile`` header is profiled in the thread that serves it (one
profile per thread, as cProfile follows one thread), and the thread's profile so far is written to
``$BENCH_PROFILE_DIR/<pid>-<thread>.prof`` after each, so nothing depends on how the worker exits. The
benchmark adds the files up. Other requests (the warm-up, the timed phases) pass through untouched.
"""

import cProfile
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from platform.wsgi import application as site

_DIRECTORY = os.environ["BENCH_PROFILE_DIR"]
_local = threading.local()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if "HTTP_X_BENCH_PROFILE" not in environ:
        return site(environ, start_response)
    profile = getattr(_local, "profile", None)
    if profile is None:
        profile = _local.profile = cProfile.Profile()
    profile.enable()
    try:
        # Django has rendered the whole body by the time it returns: the profile holds the rendering.
        return site(environ, start_response)
    finally:
        profile.disable()
        profile.dump_stats(os.path.join(_DIRECTORY, f"{os.getpid()}-{threading.get_ident()}.prof"))
