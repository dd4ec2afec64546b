"""Running ``manage.py`` in a fresh process, as an operator would: none of this process's
DJANGO_, DIRECTORY_ or REDIS_URL settings, only those a test gives (None removes one)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(**settings):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DIRECTORY_")) and key != "REDIS_URL"
    }
    env.update(settings)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, env, check=False, timeout=300):
    """``manage.py *args``; with ``check``, fail the test unless it exits 0."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result
