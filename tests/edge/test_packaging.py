"""A non-editable install (`pip install .`) serves the browser front end: the built files ship
in the package (setup.py copies web/dist to edge/web_dist), not only in the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
from pathlib import Path

from starlette.testclient import TestClient

import edge.web
import server

installed = Path(sys.argv[1]).resolve()
assert Path(server.__file__).resolve().is_relative_to(installed), server.__file__
assert edge.web.WEB_DIST.resolve().is_relative_to(installed), edge.web.WEB_DIST
settings = server.Settings(
    data_dir=Path(sys.argv[2]), database_url=f"sqlite://{sys.argv[2]}/crm.sqlite3"
)
with TestClient(server.create_app(settings)) as client:
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    asset = next(p for p in page.text.split('"') if p.startswith("/assets/"))
    assert client.get(asset).status_code == 200, asset
print("served from", edge.web.WEB_DIST)
"""


@pytest.mark.sqlite_only
def test_an_installed_package_serves_the_front_end(tmp_path: Path) -> None:
    wheels, target, data = tmp_path / "wheels", tmp_path / "site", tmp_path / "data"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(  # noqa: S603 - pip on this checkout
        [*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # pip builds in the tree: leave none
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(wheels.glob("*.whl"))
    subprocess.run(  # noqa: S603
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    assert (target / "edge" / "web_dist" / "index.html").is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(target)  # the installed copy, before the editable checkout
    data.mkdir()
    served = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECK, str(target), str(data)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert served.returncode == 0, served.stdout + served.stderr[-3000:]
    assert "served from" in served.stdout
