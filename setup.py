"""Build ringto; compile the SIP hot path with mypyc where a C compiler is present.

Everything else is in pyproject.toml. The modules listed in `ringto/compiled.py` are
built as C extensions from their own Python sources (mypyc, which ships with mypy: no
second language to maintain). Each extension is optional: without a compiler, or with
RINGTO_PURE=1, the same modules run as plain Python, only slower. A type error in a
listed module fails the build, compiler or not: mypyc compiles only what mypy accepts,
and a module that type-checks differently would behave differently once compiled.
"""

import os
import runpy
from pathlib import Path

from setuptools import setup


def hot_path_extensions() -> list:
    if os.environ.get("RINGTO_PURE"):
        for built in Path("src").rglob("*.so"):  # an earlier build would shadow the sources
            built.unlink()
        return []
    from mypyc.build import mypycify

    listing = runpy.run_path("src/ringto/compiled.py")
    # The build environment has none of ringto's dependencies: their types are Any here,
    # and only the compiled modules themselves are checked.
    flags = ["--ignore-missing-imports", "--follow-imports=silent"]
    sources = [f"src/{path}" for path in listing["HOT_PATH"]]
    extensions = mypycify(flags + sources, opt_level="3", group_name="ringto_hot")
    for extension in extensions:
        extension.optional = True
    return extensions


setup(ext_modules=hot_path_extensions())
