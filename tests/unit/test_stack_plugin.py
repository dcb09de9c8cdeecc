"""The whole-stack plugin (tests/stack.py) stops a stack an earlier, killed run left running
(recorded in its pid file) before starting its own, and refuses one a live run still owns. Fake
stacks here: sleeping processes in their own sessions, named like honcho."""

import json
import subprocess
import sys

import pytest

from tests import stack


def spawn(name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", name], start_new_session=True
    )


@pytest.fixture
def pid_file(tmp_path, monkeypatch):
    path = tmp_path / "e2e-stack.pid"
    monkeypatch.setattr(stack, "PID_PATH", path)
    monkeypatch.setattr(stack, "PROCFILE", tmp_path / "Procfile.e2e")  # no orphan of ours
    return path


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield lambda name: started.append(spawn(name)) or started[-1]
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_runs_stack_is_found_and_stopped(pid_file, processes):
    honcho, service = processes("honcho-fake"), processes("nameko-fake")
    groups = [honcho.pid, service.pid]  # each in its own session, as honcho starts them
    pid_file.write_text(json.dumps({"owner": dead_pid(), "honcho": honcho.pid, "groups": groups}))
    assert stack.leftover_groups() == sorted(groups)
    stack.stop_groups(groups, timeout=10)
    assert honcho.wait(timeout=5) is not None and service.wait(timeout=5) is not None
    assert stack.leftover_groups() == []


def test_a_stack_a_live_run_owns_is_refused_not_stopped(pid_file, processes):
    owner, honcho = processes("pytest-fake"), processes("honcho-fake")
    pid_file.write_text(
        json.dumps({"owner": owner.pid, "honcho": honcho.pid, "groups": [honcho.pid]})
    )
    with pytest.raises(pytest.fail.Exception, match=f"pytest pid {owner.pid}"):
        stack.leftover_groups()
    assert honcho.poll() is None


def test_a_recorded_group_reused_by_another_program_is_left_alone(pid_file, processes):
    other = processes("someone-elses-program")
    pid_file.write_text(
        json.dumps({"owner": dead_pid(), "honcho": other.pid, "groups": [other.pid]})
    )
    assert stack.leftover_groups() == []
    assert other.poll() is None


def test_no_pid_file_no_leftover(pid_file):
    assert stack.leftover_groups() == []
