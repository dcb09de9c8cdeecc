"""The whole platform under test, for the end-to-end and browser tiers (a pytest plugin, registered
in tests/conftest.py, so both tiers share ONE session fixture: `pytest tests/e2e tests/browser`
starts the stack once, in either order).

Once per run: the `*_test` databases are migrated and emptied, Redis db 15 flushed, a fresh
RabbitMQ vhost `bazaar_e2e` made, the seeds loaded, and every Procfile process started under
honcho on a free port; the tests then talk HTTP to the gateway only. The stack's logs go to
var/test/e2e-stack.log.

honcho runs in its own session (and starts each service in another), so a run killed before its
teardown (a timeout's SIGTERM) leaves the stack running: its services would consume the next
run's queues. The process groups are recorded in var/test/e2e-stack.pid; the next run stops a
leftover stack first, and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from nameko.testing.utils import find_free_port

from services.common.config import ROOT
from tests.helpers import migrate_test_databases, truncate_tables, wait_for

VHOST = "bazaar_e2e"
STACK: dict = {}
VAR_DIR = ROOT / "var" / "test"
LOG_PATH = VAR_DIR / "e2e-stack.log"
PID_PATH = VAR_DIR / "e2e-stack.pid"
PROCFILE = VAR_DIR / "Procfile.e2e"
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


# -- processes ---------------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, int]]:
    """{pid: (parent pid, process group)} of every live (non-zombie) process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                table[int(entry.name)] = (int(fields[1]), int(fields[2]))
        except (OSError, IndexError, ValueError):
            continue
    return table


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b""


def _members(group: int, table: dict[int, tuple[int, int]] | None = None) -> list[int]:
    """The live processes of a process group that are a stack's (honcho or a service): a pid
    reused since by anything else is never touched."""
    table = _processes() if table is None else table
    pids = [pid for pid, (_, pgrp) in table.items() if pgrp == group]
    return [pid for pid in pids if any(word in _cmdline(pid) for word in (b"honcho", b"nameko"))]


def _groups(honcho: int) -> list[int]:
    """The process groups of a stack: honcho's own, and each service's (a helper process of
    honcho's group starts each service in a session of its own)."""
    table = _processes()
    own = table[honcho][1] if honcho in table else honcho
    helpers = {pid for pid, (_, pgrp) in table.items() if pgrp == own}
    groups = {own} | {pgrp for _, (parent, pgrp) in table.items() if parent in helpers}
    return sorted(groups)


def _record(process: subprocess.Popen) -> None:
    PID_PATH.write_text(
        json.dumps({"owner": os.getpid(), "honcho": process.pid, "groups": _groups(process.pid)})
    )


def _is_pytest(pid: int) -> bool:
    return pid != os.getpid() and b"pytest" in _cmdline(pid)


def _orphaned_honchos() -> list[int]:
    """honcho processes of this checkout's e2e Procfile whose pytest is gone (their parent is
    now init): stacks left by runs that recorded no pid file."""
    marker = str(PROCFILE).encode()
    return [
        pid
        for pid, (parent, _) in _processes().items()
        if parent == 1 and b"honcho" in _cmdline(pid) and marker in _cmdline(pid)
    ]


def leftover_groups() -> list[int]:
    """Process groups of a stack an earlier, killed run left running (recorded in the pid file,
    or an orphaned honcho of the same Procfile); fails when a live run owns the stack."""
    groups: set[int] = set()
    with contextlib.suppress(OSError, ValueError):
        recorded = json.loads(PID_PATH.read_text())
        owner = int(recorded.get("owner") or 0)
        live = [group for group in recorded.get("groups", []) if _members(int(group))]
        if live and owner and _is_pytest(owner):
            pytest.fail(
                f"another test run (pytest pid {owner}) is using the test stack "
                f"({PID_PATH}, process groups {live}): run one at a time.",
                pytrace=False,
            )
        groups.update(int(group) for group in live)
    for honcho in _orphaned_honchos():
        groups.update(_groups(honcho))
    return sorted(group for group in groups if _members(group))


def stop_groups(groups: list[int], timeout: float = 30) -> None:
    """SIGTERM each group (honcho stops its services itself), SIGKILL what remains."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            table = _processes()
            if not any(_members(group, table) for group in groups):
                return
            time.sleep(0.2)


def _say(request, text: str) -> None:
    """A line on the terminal now, not in the captured output of the first test."""
    plugins = request.config.pluginmanager
    capture, reporter = plugins.getplugin("capturemanager"), plugins.getplugin("terminalreporter")
    disabled = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with disabled:
        if reporter is not None:
            reporter.write_line(text, yellow=True, bold=True)
        else:
            print(text, file=sys.stderr)


def stop_leftover_stack(request) -> None:
    groups = leftover_groups()
    if not groups:
        return
    pids = sorted(pid for group in groups for pid in _members(group))
    _say(
        request,
        f"\nstopping a test stack left running by an earlier, killed run (process groups "
        f"{groups}, pids {pids}): its services would consume this run's queues",
    )
    stop_groups(groups)
    PID_PATH.unlink(missing_ok=True)


# -- the stack ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stack(config, request):
    """Start the platform; yield the gateway's base URL; stop it afterwards."""
    from scripts.manage import seed
    from services.common.config import MEDIA, service_databases

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    stop_leftover_stack(request)
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
    # the seed draws the demo images where this stack's media service and gateway read them
    # (VAR_DIR var/test below), not where the pytest process's config points (var/media)
    seed({**config, MEDIA: {**(config.get(MEDIA) or {}), "root": str(VAR_DIR / "media")}}, services)

    PROCFILE.write_text("".join(f"{name}: {command}\n" for name, command in entries.items()))
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
        # recommendations announce changes and recompute trending within a second or two, and an
        # idle signed-in cart is reminded after 3 s (production: 10 s, 300 s and a day)
        "RECOMMENDATIONS_PUBLISH_INTERVAL": "1",
        "RECOMMENDATIONS_TRENDING_INTERVAL": "2",
        "CART_REMINDER_AFTER": "3",
        "CART_REMINDER_INTERVAL": "1",
        "READY_SERVICES": ",".join(name for name in entries if name != "gateway"),
        "PYTHONUNBUFFERED": "1",
    }
    STACK["env"] = env  # for tests that start an extra instance of a service
    log = LOG_PATH.open("w")
    process = STACK["process"] = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "honcho"),
            "start",
            "-f",
            str(PROCFILE),
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
    _record(process)

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
        _record(process)  # now with every service's process group
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        PID_PATH.unlink(missing_ok=True)


def stack_pids(module: str) -> list[int]:
    """Pids of this stack's processes running `module` (descendants of its honcho only)."""
    root = STACK["process"].pid
    parents = {pid: parent for pid, (parent, _) in _processes().items()}
    found = []
    for pid in parents:
        ancestor = pid
        while ancestor in parents and ancestor != root:
            ancestor = parents[ancestor]
        if ancestor != root or pid == root:
            continue
        if f"nameko run --config config/bazaar.yaml {module}".encode() in _cmdline(pid):
            found.append(pid)
    return found


# -- talking to it -----------------------------------------------------------------------------


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
