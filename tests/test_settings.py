"""Configuration: no server starts in production without a secret key, however it is started;
every setting the settings file reads is named in .env.example; the product never imports the
benchmarks' code."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .commands import clean_environment, manage

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def without_a_key(tmp_path, **overrides):
    """Production's environment (DEBUG off) with no secret key, on a throwaway SQLite file."""
    return clean_environment(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **overrides,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthz(port, seconds=20):
    """/healthz's status once the server answers, or None if it never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status
        except OSError:
            time.sleep(0.2)
    return None


def serve(command, env, seconds=30):
    """Run a server command: (its exit code or None if it kept running, what it printed)."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        return process.wait(timeout=seconds), process.stdout.read()
    except subprocess.TimeoutExpired:
        return None, ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    "command",
    [
        [PYTHON, "-m", "gunicorn", "directory.wsgi", "--workers", "1"],
        [str(Path(PYTHON).parent / "gunicorn"), "directory.wsgi", "--workers", "1"],
        [PYTHON, "manage.py", "runserver", "--noreload"],
    ],
    ids=["python -m gunicorn", "gunicorn", "runserver"],
)
def test_no_server_starts_without_a_secret_key(tmp_path, command):
    port = free_port()
    bind = (
        ["--bind", f"127.0.0.1:{port}"]
        if "gunicorn" in " ".join(command)
        else [f"127.0.0.1:{port}"]
    )
    code, output = serve([*command, *bind], without_a_key(tmp_path))
    assert code not in (None, 0), "the server kept running"
    assert "DJANGO_SECRET_KEY is not set" in output


def test_with_a_key_the_same_server_serves(tmp_path):
    port = free_port()
    env = without_a_key(tmp_path, DJANGO_SECRET_KEY="a-real-secret-for-this-test-only-0123456789")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "directory.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert healthz(port) == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_management_commands_run_without_a_key(tmp_path):
    """Commands serve no one: migrate, collectstatic and the rest work before a key is set."""
    manage("check", env=without_a_key(tmp_path), check=True)


def test_env_example_names_every_setting_the_settings_read():
    settings = (ROOT / "directory" / "settings.py").read_text(encoding="utf-8")
    read = set(
        re.findall(
            r"""(?:environ\.get|env_bool|env_list|env_int)\(\s*["']([A-Z_]+)["']""", settings
        )
    )
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.M))
    assert len(read) > 15
    assert read - named == set()


def test_the_product_never_imports_the_benchmarks():
    importing = [
        str(path.relative_to(ROOT))
        for folder in ("directory", "organisations")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"^\s*(from|import)\s+bench\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importing == []
