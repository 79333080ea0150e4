"""Joyreel's project package and core app; it also stands in for the standard ``platform`` module.

The project package is called ``platform`` (the layout is fixed), which shadows
the standard library module of the same name whenever the project root is on
``sys.path``. Anything that runs from the project root and does
``import platform`` (``uuid``, Celery, pytest, Django itself) gets this package,
so it loads the real standard module from the interpreter's stdlib directory
and re-exports every name it defines. Importing this package must stay cheap and
free of Django imports: it can happen before settings are configured.
"""

import importlib.util
import sys
import sysconfig
from pathlib import Path
from types import ModuleType


def _load_stdlib_platform() -> ModuleType:
    name = "_joyreel_stdlib_platform"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(sysconfig.get_paths()["stdlib"]) / "platform.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken interpreter
        raise ImportError(f"cannot load the standard platform module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_stdlib_platform = _load_stdlib_platform()

# Private helpers too (``_sys_version``, ``_syscmd_ver``): some libraries reach for them.
globals().update({key: value for key, value in vars(_stdlib_platform).items() if not key.startswith("__")})
