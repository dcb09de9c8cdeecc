import email
import email.policy
import mailbox
import socket
import subprocess
import sys

import pytest

from tests.helpers import truncate_tables, wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.2):
            return True
    except OSError:
        return False


class SmtpServer:
    """A real SMTP server (aiosmtpd, in its own process) delivering into a Maildir."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: accepts(self.port), timeout=10)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(5)

    def messages(self):
        if not (self.directory / "new").exists():
            return []
        return [
            email.message_from_bytes(bytes(message), policy=email.policy.default)
            for message in mailbox.Maildir(self.directory, create=False)
        ]


@pytest.fixture
def smtp_server(tmp_path):
    """Not started yet: call .start() (a test may first want the server down)."""
    server = SmtpServer(tmp_path / "maildir")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def clean(config):
    truncate_tables(config, "notifications")
    yield
    truncate_tables(config, "notifications")
