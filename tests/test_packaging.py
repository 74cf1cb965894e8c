"""The distribution: ``python -m build`` gives a wheel and an sdist that ``twine check --strict``
accepts, and the wheel, installed alone in a new venv, serves a page.

The project is copied to a temporary folder first, so the build writes nothing into the
checkout and reads nothing a previous build left (a stale ``*.egg-info`` would add its
files to the sdist). ``python -m build`` makes the sdist, then the wheel from the unpacked
sdist, so the sdist is proved complete enough to build from. The venv is made without
system site-packages and pip installs the wheel into it with its dependencies from the
package index (or pip's own cache), as a user's ``pip install`` would: nothing of the
test environment leaks in. Nothing is kept across runs. About a minute (``-m "not packaging"``
leaves it out).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from fnmatch import fnmatch
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).with_name("helpers_wheel_probe.py")
# What a checkout holds that is not the project: tools' output, venvs, local data.
NOT_PROJECT = [".git", ".venv*", "__pycache__", "*.py[cod]", "*.egg-info", ".*_cache"]
NOT_PROJECT_AT_ROOT = ["build", "dist", "media", "*.sqlite3"]


def _require_module(name: str) -> None:
    """Fail on CI, skip elsewhere, when a tool of the ``test`` extra is not installed."""
    if importlib.util.find_spec(name) is None:
        message = f"{name} is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _run(args: list, cwd: Path, *, alone: bool = False) -> subprocess.CompletedProcess:
    """Run a command (``alone``: with none of this environment's Python paths); fail showing its end."""
    left_out = {"DJANGO_SETTINGS_MODULE"} | (
        {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} if alone else set()
    )
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env={k: v for k, v in os.environ.items() if k not in left_out},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{output[-4000:]}"
    return result


def _ignore(folder: str, names: list[str]) -> set[str]:
    patterns = NOT_PROJECT + (NOT_PROJECT_AT_ROOT if Path(folder) == ROOT else [])
    return {name for name in names if any(fnmatch(name, p) for p in patterns)}


def _package_files() -> set[str]:
    """Every file of ``blocksstate/`` in the checkout, as a path inside the wheel."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "blocksstate").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the sdist and the wheel from a copy of the project; return (folder, build output)."""
    _require_module("build")
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_ignore, symlinks=True)
    result = _run([sys.executable, "-m", "build", "--outdir", work / "dist", source], cwd=work)
    return work / "dist", result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(built):
    (path,) = built[0].glob("django_blocksstate-*-py3-none-any.whl")
    return path


@pytest.fixture(scope="module")
def sdist(built):
    (path,) = built[0].glob("django_blocksstate-*.tar.gz")
    return path


def test_the_build_warns_of_nothing_deprecated(built):
    assert "deprecat" not in built[1].lower(), built[1]


def test_twine_check_strict_accepts_the_wheel_and_the_sdist(built, wheel, sdist):
    _require_module("twine")
    result = _run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], cwd=built[0])
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_holds_every_file_of_the_package(wheel):
    """Templates, static files (plotly.js too), migrations, locales, py.typed, theme data."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = _package_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert "blocksstate/py.typed" in names
    assert "blocksstate/migrations/0001_initial.py" in names
    assert "blocksstate/themes/data/soft.json" in names
    assert "blocksstate/templates/blocksstate/components/textbox.html" in names
    dist_info = wheel.name.split("-py3")[0]
    assert f"{dist_info}.dist-info/licenses/LICENSE" in names


def test_the_metadata_names_the_license_the_project_and_its_classifiers(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(archive.read(name).decode())
    assert metadata["License-Expression"] == "BSD-3-Clause AND MIT"
    assert metadata["Author"] == "The blocksstate authors"
    home = "https://github.com/blocksstate/django-blocksstate"
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL"))
    assert urls["Homepage"] == home
    assert set(urls) == {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(url.startswith(home) for url in urls.values())
    classifiers = metadata.get_all("Classifier")
    for classifier in (
        "Development Status :: 4 - Beta",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Programming Language :: Python :: 3.13",
    ):
        assert classifier in classifiers


def test_the_sdist_holds_the_tests_the_docs_and_the_license(sdist):
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    top = sdist.name.removesuffix(".tar.gz")
    for path in (
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "tests/test_packaging.py",
        "tests/e2e/conftest.py",
        "docs/getting-started.md",
        "demo_project/settings.py",
        "scripts/test.sh",
        "scripts/system-deps.sh",
        "blocksstate/migrations/0001_initial.py",
    ):
        assert f"{top}/{path}" in names, f"{path} is not in the sdist"
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_wheel_installed_alone_serves_a_page(built, wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path, alone=True)
    python = venv / "bin" / "python"
    # This environment's pip installs into the venv (--python), compiling nothing: a third
    # of the time of a pip of the venv's own.
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    _run([*pip, "install", "-q", "--no-compile", wheel], cwd=tmp_path, alone=True)
    found = json.loads(_run([python, PROBE], cwd=tmp_path, alone=True).stdout)

    installed = venv / "lib"
    assert Path(found["package"]).is_relative_to(installed), found["package"]
    assert Path(found["client_js"]).is_relative_to(installed)
    assert Path(found["plotly_js"]).is_relative_to(installed)
    page = found["page"]
    assert 'for="bs-hello-1-input">Your name</label>' in page
    assert 'value="Ada"' in page
    assert "--primary-500: #6366f1" in page  # Soft's indigo, from themes/data/soft.json
    assert found["migrations"][0] == "0001_initial"
    shipped = sorted(p.stem for p in (ROOT / "blocksstate" / "migrations").glob("0*.py"))
    assert found["migrations"] == shipped
