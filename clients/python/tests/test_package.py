"""The client as a package: installed into a fresh venv from its folder, at the repository's version, typed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv

import pytest

import plotpipe
from conftest import CLIENT, repo_version


def test_the_package_version_is_the_repository_version():
    assert plotpipe.__version__ == repo_version()


def test_pyproject_declares_the_repository_version():
    import tomllib
    with open(os.path.join(CLIENT, "pyproject.toml"), "rb") as f:
        assert tomllib.load(f)["project"]["version"] == repo_version()


def test_pip_installs_it_offline_into_a_fresh_venv_and_it_imports_with_its_version(tmp_path):
    target = tmp_path / "venv"
    # Debian's setuptools comes from the system: --no-build-isolation builds with it, offline.
    venv.create(target, system_site_packages=True, with_pip=True)
    python = str(target / "bin" / "python")
    source = tmp_path / "source"
    # A copy, so the build's egg-info and build folders never land in the repository.
    shutil.copytree(CLIENT, source, ignore=shutil.ignore_patterns("node_modules", "tests", "__pycache__", "*.egg-info", "build"))
    installed = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index", "-q", str(source)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    imported = subprocess.run([python, "-c", "import plotpipe, os; print(plotpipe.__version__); "
                               "print(os.path.exists(os.path.join(os.path.dirname(plotpipe.__file__), 'py.typed'))); "
                               "print(plotpipe.__file__)"],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path,
                              env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert imported.returncode == 0, imported.stderr
    version, typed, where = imported.stdout.split()
    assert (version, typed) == (repo_version(), "True")
    assert where.startswith(str(target)), where


def test_pyright_in_strict_mode_finds_no_error_in_the_package():
    pyright = os.path.join(CLIENT, "node_modules", ".bin", "pyright")
    if not os.path.exists(pyright):
        pytest.fail("pyright is not installed: run `npm ci` in clients/python (./test.sh does)")
    checked = subprocess.run([pyright, "--pythonpath", sys.executable], cwd=CLIENT, capture_output=True, text=True,
                             timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stdout


def test_the_package_imports_without_numpy_or_pandas():
    code = ("import sys; sys.modules['numpy'] = None; sys.modules['pandas'] = None\n"
            "import io, plotpipe\n"
            "plot = plotpipe.to_stream(io.BytesIO())\n"
            "plot.line('s').add_many([1, 2], [3, 4])\n"
            "import datetime; plot.line('t').add(datetime.datetime.now(), 1)\n"
            "print(plot.finish())\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": CLIENT})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "True"
