"""The Makefile's own output: what a newcomer reads in a log or a CI job."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
THEME = PROJECT_ROOT / "theme/static_src"


def run(command, **env):
    return subprocess.run(  # noqa: S603 - fixed programs of the project
        command, cwd=THEME, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(
    not (THEME / "node_modules/.bin/postcss").exists() or not shutil.which("make"),
    reason="needs the theme's npm packages (make css installs them)",
)
def test_the_css_build_writes_no_colour_codes_into_a_log(tmp_path):
    """Tailwind reads DEBUG and then prints its timings in raw ANSI codes: `make css` unsets it.

    The build is run into a temporary file, as the recipe runs it, so the served CSS is never touched.
    """
    recipe = run(["make", "--no-print-directory", "-n", "-C", str(PROJECT_ROOT), "css"]).stdout
    assert "DEBUG= " in recipe and "NO_COLOR=1" in recipe
    build = ["node_modules/.bin/postcss", "./src/styles.css", "-o", str(tmp_path / "styles.css"), "--minify"]

    as_before = run(build, DEBUG="true", NODE_ENV="production")
    as_now = run(build, DEBUG="", NO_COLOR="1", FORCE_COLOR="0", NODE_ENV="production")

    assert "\x1b[" in as_before.stdout + as_before.stderr  # what the logs used to show
    assert as_now.returncode == 0, as_now.stderr
    assert "\x1b[" not in as_now.stdout + as_now.stderr
    assert (tmp_path / "styles.css").stat().st_size > 1000
