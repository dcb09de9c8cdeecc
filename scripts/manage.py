"""Routine tasks behind the Makefile: check, createdb, migrate, keys, seed, revision.

python scripts/manage.py check          name any of RabbitMQ, PostgreSQL, Redis that is down
python scripts/manage.py createdb       one database per service (DB_SUFFIX selects test ones)
python scripts/manage.py migrate        alembic upgrade head for every service with migrations
python scripts/manage.py keys           development JWT signing keys under var/keys, if absent
python scripts/manage.py seed           demo data of every service that has a seed module
python scripts/manage.py revision SVC "message"   autogenerate a migration for one service
python scripts/manage.py openapi PATH   the gateway's OpenAPI document (the web client's source)
python scripts/manage.py admin EMAIL    create an admin, or restore one (reactivate and promote)
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from services.common.config import (  # noqa: E402
    AMQP_URI,
    JWT,
    REDIS_URL,
    load_config,
    service_databases,
)

HOW_TO_START = {
    "RabbitMQ": "rabbitmq-server -detached",
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
        "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def check(config: dict) -> int:
    """Exit 1 naming every component that does not answer, and how to start it."""
    import psycopg2
    import redis
    from kombu import Connection

    down = []
    try:
        with Connection(config[AMQP_URI], connect_timeout=3) as conn:
            conn.connect()
    except Exception as exc:
        down.append(("RabbitMQ", config[AMQP_URI], exc))
    any_db = next(iter(service_databases(config).values()))
    server = any_db.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg2.connect(server, connect_timeout=3).close()
    except Exception as exc:
        down.append(("PostgreSQL", server, exc))
    try:
        redis.Redis.from_url(config[REDIS_URL], socket_connect_timeout=3).ping()
    except Exception as exc:
        down.append(("Redis", config[REDIS_URL], exc))
    for name, url, exc in down:
        print(f"{name} is not reachable at {url}: {exc}", file=sys.stderr)
        print(f"  start it with: {HOW_TO_START[name]}", file=sys.stderr)
    if not down:
        print("RabbitMQ, PostgreSQL and Redis are up")
    return 1 if down else 0


def createdb(config: dict) -> int:
    import psycopg2

    for service, uri in service_databases(config).items():
        server, name = uri.rsplit("/", 1)
        conn = psycopg2.connect(server + "/postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name} ({service})")
        conn.close()
    return 0


def alembic_config(config: dict, service: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations" / service))
    # one template for every service (migrations/script.py.mako)
    cfg.set_main_option("revision_environment", "false")
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.set_main_option("sqlalchemy.url", service_databases(config)[service].replace("%", "%%"))
    return cfg


def migrated_services(config: dict) -> list[str]:
    return [s for s in service_databases(config) if (ROOT / "migrations" / s / "env.py").exists()]


def migrate(config: dict, only: set[str] | None = None) -> int:
    """Upgrade every service that has migrations (or those of `only`) to head."""
    from alembic import command

    for service in migrated_services(config):
        if only is not None and service not in only:
            continue
        command.upgrade(alembic_config(config, service), "head")
        print(f"migrated {service}")
    return 0


def revision(config: dict, service: str, message: str) -> int:
    from alembic import command

    command.revision(alembic_config(config, service), message=message, autogenerate=True)
    return 0


def keys(config: dict) -> int:
    """Create an Ed25519 signing key pair when absent (development only; production mounts its
    own)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_path = Path(config[JWT]["private_key_path"])
    public_path = Path(config[JWT]["public_key_path"])
    if private_path.exists() and public_path.exists():
        return 0
    private_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    print(f"created JWT signing keys in {private_path.parent}")
    return 0


def seed(config: dict, only: set[str] | None = None) -> int:
    """Run `scripts/seed/<name>.py: seed(config)` for every service that has one (or those of
    `only`), in dependency order."""
    order = [
        "accounts",
        "catalog",
        "inventory",
        "cart",
        "orders",
        "payments",
        "reviews",
        "recommendations",
    ]
    for service in order:
        if only is not None and service not in only:
            continue
        if (ROOT / "scripts" / "seed" / f"{service}.py").exists():
            importlib.import_module(f"scripts.seed.{service}").seed(config)
    return 0


def openapi(config: dict, path: str) -> int:
    """Write the document the gateway serves at /api/openapi.json, without starting anything."""
    import json

    from gateway.openapi import gateway_spec

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(gateway_spec(config), indent=2, sort_keys=True) + "\n")
    return 0


ADMIN_PASSWORD_ENV = "ADMIN_PASSWORD"


def _new_admin_password() -> str:
    """A new admin's password: $ADMIN_PASSWORD, else typed twice at a prompt that does not echo."""
    password = os.environ.get(ADMIN_PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise SystemExit(f"no terminal to ask for the password: set {ADMIN_PASSWORD_ENV}")
    password = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("The same password again: ") != password:
        raise SystemExit("the two passwords differ; nothing was changed")
    return password


def admin(config: dict, email: str, first_name: str = "Shop", last_name: str = "Admin") -> int:
    """Make EMAIL an active admin: create the account (password policy applies), or restore an
    existing one (promote and reactivate it, keeping its password). Safe to run again."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from services.accounts.dependencies import security_from_config
    from services.accounts.exceptions import WeakPassword
    from services.accounts.repository import SqlAccountsRepository
    from services.accounts.schemas import RegisterSchema
    from services.accounts.usecases import Accounts
    from services.common.config import db_uri
    from services.common.errors import ValidationFailed
    from services.common.outbox import OutboxWriter
    from services.common.schemas import load

    try:
        # a registration's rules for the email and names; the password is asked for later, and
        # only when the account is new
        data = load(
            RegisterSchema(),
            {"email": email, "first_name": first_name, "last_name": last_name},
            partial=("password",),
        )
    except ValidationFailed as exc:
        print(f"not changed: {exc.details.get('fields', exc)}", file=sys.stderr)
        return 2
    kit = security_from_config(config)
    engine = create_engine(db_uri(config, "accounts"))
    try:
        with Session(engine) as session:
            accounts = Accounts(
                repo=SqlAccountsRepository(session, OutboxWriter()),
                hasher=kit.hasher,
                signer=kit.signer,
                settings=kit.settings,
            )
            try:
                user, outcome = accounts.grant_admin(
                    data["email"], _new_admin_password, data["first_name"], data["last_name"]
                )
            except WeakPassword as exc:
                problems = " ".join(exc.details["fields"]["password"])
                print(f"not created: the password is too weak. {problems}", file=sys.stderr)
                return 1
            email = user.email
            session.commit()
    finally:
        engine.dispose()
    print(
        {
            "created": f"created admin {email}",
            "restored": f"restored admin {email} (active, role admin; password unchanged)",
            "unchanged": f"{email} is already an active admin; nothing changed",
        }[outcome]
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "command",
        choices=["check", "createdb", "migrate", "keys", "seed", "revision", "openapi", "admin"],
    )
    parser.add_argument("args", nargs="*")
    args = parser.parse_args(argv)
    config = load_config()
    if args.command == "revision":
        return revision(config, *args.args)
    if args.command == "openapi":
        return openapi(config, *args.args)
    if args.command == "admin":
        return admin(config, *args.args)
    if args.command == "migrate" and args.args:
        return migrate(config, set(args.args))
    return {"check": check, "createdb": createdb, "migrate": migrate, "keys": keys, "seed": seed}[
        args.command
    ](config)


if __name__ == "__main__":
    sys.exit(main())
