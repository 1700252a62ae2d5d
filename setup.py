"""Only what pyproject.toml cannot say: a built (non-editable) package carries the browser
front end, web/dist, as `edge/web_dist` (edge.web finds it there; a checkout serves web/dist).
Everything else is in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

WEB_DIST = Path(__file__).resolve().parent / "web" / "dist"


class BuildWithFrontEnd(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install serves web/dist from the checkout
            return
        if not (WEB_DIST / "index.html").is_file():
            raise SystemExit("web/dist is not built: cd web && npm ci && npm run build")
        target = Path(self.build_lib) / "edge" / "web_dist"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(WEB_DIST, target)


setup(cmdclass={"build_py": BuildWithFrontEnd})
