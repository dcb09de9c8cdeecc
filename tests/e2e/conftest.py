"""The end-to-end tier: the whole platform (every Procfile process, under honcho) on test data.

Once per run: the `*_test` databases are migrated and emptied, Redis db 15 flushed, a fresh
RabbitMQ vhost `bazaar_e2e` made, the seeds loaded, and the stack started on a free port; the
tests then talk HTTP to the gateway only. The stack's logs go to var/test/e2e-stack.log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from nameko.testing.utils import find_free_port

from services.common.config import ROOT
from tests.helpers import migrate_test_databases, truncate_tables, wait_for

VHOST = "bazaar_e2e"
STACK: dict = {}
LOG_PATH = ROOT / "var" / "test" / "e2e-stack.log"
SEEDED = {
    "admin": ("admin@bazaar.dev", "Admin-pass-1234"),
    "seller": ("seller@bazaar.dev", "Seller-pass-1234"),
    "customer": ("customer@bazaar.dev", "Customer-pass-1234"),
}


def procfile_entries() -> dict[str, str]:
    """The Procfile's processes; `E2E_SERVICES=accounts,catalog` limits them (plus the gateway)."""
    wanted = {s.strip() for s in os.environ.get("E2E_SERVICES", "").split(",") if s.strip()}
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        name = name.strip()
        if not name or line.lstrip().startswith("#"):
            continue
        if not wanted or name in wanted or name == "gateway":
            entries[name] = command.strip()
    return entries


def _fresh_vhost(api_uri: str) -> None:
    session = requests.Session()
    session.delete(f"{api_uri}/api/vhosts/{VHOST}", timeout=10)
    session.put(f"{api_uri}/api/vhosts/{VHOST}", timeout=10).raise_for_status()
    session.put(
        f"{api_uri}/api/permissions/{VHOST}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        timeout=10,
    ).raise_for_status()


def _tail(path: Path, lines: int = 80) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def stack(config, request):
    """Start the platform; yield the gateway's base URL; stop it afterwards."""
    from scripts.manage import seed
    from services.common.config import service_databases

    entries = procfile_entries()
    services = {name for name in entries if name != "gateway"}
    migrate_test_databases(config, services)
    for service in services & set(service_databases(config)):
        if (ROOT / "migrations" / service / "env.py").exists():
            truncate_tables(config, service)
    import redis

    redis.Redis.from_url(config["REDIS_URL"]).flushdb()
    api_uri = request.config.getoption("RABBIT_API_URI")
    _fresh_vhost(api_uri)
    seed(config, services)

    procfile = ROOT / "var" / "test" / "Procfile.e2e"
    procfile.parent.mkdir(parents=True, exist_ok=True)
    procfile.write_text("".join(f"{name}: {command}\n" for name, command in entries.items()))
    port = find_free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}",
        "GATEWAY_ADDRESS": f"127.0.0.1:{port}",
        "PUBLIC_URL": base_url,
        "VAR_DIR": "var/test",
        "LOG_FORMAT": "json",
        "RATE_LIMIT_AUTH": "300",
        # the sweeper cancels a checkout a crash left pending after this many seconds (60 in
        # production): the resilience tests wait for it
        "ORDER_PENDING_GRACE": "15",
        "READY_SERVICES": ",".join(name for name in entries if name != "gateway"),
        "PYTHONUNBUFFERED": "1",
    }
    STACK["env"] = env  # for tests that start an extra instance of a service
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    log = LOG_PATH.open("w")
    process = STACK["process"] = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "honcho"),
            "start",
            "-f",
            str(procfile),
            "-d",
            str(ROOT),
            "--no-colour",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def ready():
        if process.poll() is not None:
            raise AssertionError(f"the stack exited early:\n{_tail(LOG_PATH)}")
        try:
            return requests.get(f"{base_url}/ready", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    try:
        try:
            wait_for(ready, timeout=90, interval=0.5)
        except AssertionError as exc:
            last = ""
            with contextlib.suppress(requests.RequestException):
                last = requests.get(f"{base_url}/ready", timeout=3).text
            raise AssertionError(f"{exc}\n/ready: {last}\n{_tail(LOG_PATH)}") from None
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def stack_pids(module: str) -> list[int]:
    """Pids of this stack's processes running `module` (descendants of its honcho only)."""
    root = STACK["process"].pid
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = []
    for pid in parents:
        ancestor = pid
        while ancestor in parents and ancestor != root:
            ancestor = parents[ancestor]
        if ancestor != root or pid == root:
            continue
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if f"nameko run --config config/bazaar.yaml {module}".encode() in cmdline:
            found.append(pid)
    return found


@pytest.fixture
def idle_queues(request):
    """Wait until every queue of the e2e vhost is empty: latency checks measure the steady state,
    not the backlog an earlier test's burst left behind. Depths come from a passive declare (real
    time); the management API only lists the names (its counters lag by seconds)."""
    from kombu import Connection

    api_uri = request.config.getoption("RABBIT_API_URI")

    def wait(timeout: float = 60) -> None:
        names = [
            q["name"]
            for q in requests.get(f"{api_uri}/api/queues/{VHOST}", timeout=10).json()
            if not q["name"].startswith("rpc.reply")
        ]
        with Connection(f"pyamqp://guest:guest@127.0.0.1:5672/{VHOST}") as conn:
            channel = conn.channel()

            def empty():
                return all(
                    channel.queue_declare(queue=name, passive=True).message_count == 0
                    for name in names
                )

            wait_for(empty, timeout=timeout, interval=0.2)

    return wait


class Api(requests.Session):
    """A requests session bound to the gateway's base URL."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 15)
        return super().request(method, self.base_url + url, *args, **kwargs)


@pytest.fixture(scope="session")
def api(stack):
    with Api(stack) as session:
        yield session


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def login(api: Api, role: str) -> dict:
    email, password = SEEDED[role]
    response = api.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def admin_headers(api):
    return bearer(login(api, "admin")["accessToken"])


@pytest.fixture(scope="session")
def seller_headers(api):
    return bearer(login(api, "seller")["accessToken"])


@pytest.fixture
def new_customer(api):
    """Register a fresh customer: {"user", "accessToken", "refreshToken", "headers", "email",
    "password"}."""

    def make(**overrides) -> dict:
        body = {
            "email": f"shopper-{uuid.uuid4().hex[:12]}@example.com",
            "password": "Correct-horse-42",
            "firstName": "Sam",
            "lastName": "Shopper",
            **overrides,
        }
        response = api.post("/api/auth/register", json=body)
        assert response.status_code == 201, response.text
        result = response.json()
        result.update(
            headers=bearer(result["accessToken"]), email=body["email"], password=body["password"]
        )
        return result

    return make


@pytest.fixture
def stack_log():
    """Read the stack's log (JSON lines) as text, for assertions on what services logged."""

    def read() -> str:
        return LOG_PATH.read_text(errors="replace")

    return read
