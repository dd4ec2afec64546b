"""A real Redis for the tests that need one: Debian's ``redis-server``, started by the test on a
port of its own, stopped and started again by its process id, never a mock.

    with RedisServer() as redis:          # or the ``redis_server`` fixture (tests/shared.py)
        redis.url                         # redis://127.0.0.1:<port>/0
        redis.stop()                      # SIGTERM, waits until the port is closed
        redis.start()                     # the same port again, empty

Tests that use it are skipped when ``redis-server`` is not installed, unless
``DIRECTORY_REQUIRE_REDIS=1`` (set by .ci/run), which makes them fail instead.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port, timeout=0.2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_redis_server():
    """Skip (or, in CI, fail) when Debian's redis-server is not installed."""
    if os.path.exists(REDIS_SERVER):
        return
    message = "redis-server is not installed (apt-get install redis-server)"
    if os.environ.get("DIRECTORY_REQUIRE_REDIS") == "1":
        pytest.fail(message)
    pytest.skip(message)


class RedisServer:
    def __init__(self, port=None):
        require_redis_server()
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.directory = tempfile.mkdtemp(prefix="directory-test-redis-")

    def start(self):
        if self.process is not None:
            return
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                self.process = None
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self):
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None
        deadline = time.monotonic() + 5
        while answers(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
