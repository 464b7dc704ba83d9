"""service.db.localdb: the project-managed PostgreSQL 15 + PostGIS 3 cluster.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the
``postgres`` OS user, and the data folder belongs to it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from service.settings import Settings

log = logging.getLogger(__name__)

PG_VERSION = "15"
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
POSTGIS_CONTROL = Path(f"/usr/share/postgresql/{PG_VERSION}/extension/postgis.control")
APT_PACKAGES = [f"postgresql-{PG_VERSION}", f"postgresql-{PG_VERSION}-postgis-3"]


class LocalDBError(RuntimeError):
    """The local cluster cannot be set up or started; the message says what to do."""


def _is_root() -> bool:
    return os.geteuid() == 0


def missing_packages() -> list[str]:
    """Debian packages the local cluster needs that are not installed."""
    missing = []
    if not (PG_BIN / "initdb").exists():
        missing.append(APT_PACKAGES[0])
    if not POSTGIS_CONTROL.exists():
        missing.append(APT_PACKAGES[1])
    return missing


def ensure_packages() -> None:
    """Install missing system packages when root; otherwise say the exact command."""
    missing = missing_packages()
    if not missing:
        return
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if not _is_root():
        raise LocalDBError(
            "PostgreSQL/PostGIS is missing. Run:\n  sudo apt-get update && sudo " + " ".join(cmd)
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The service must not start the packaged cluster: ours runs on its own port.
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(cmd, check=True, env=env)
    if missing_packages():
        raise LocalDBError(f"apt-get did not install {' '.join(missing_packages())}")


@dataclass(frozen=True)
class Cluster:
    """Paths and port of one local cluster."""

    data_dir: Path
    socket_dir: Path
    log_file: Path
    port: int
    db_name: str
    db_user: str

    @property
    def url(self) -> str:
        """SQLAlchemy URL over TCP on the loopback address."""
        return f"postgresql+psycopg://{self.db_user}@127.0.0.1:{self.port}/{self.db_name}"

    def url_for(self, db_name: str) -> str:
        """The URL of another database in the same cluster."""
        return f"postgresql+psycopg://{self.db_user}@127.0.0.1:{self.port}/{db_name}"


def _postgres_can_reach(path: Path) -> bool:
    """Whether the postgres OS user can traverse every parent of ``path``."""
    probe = path
    while not probe.exists():
        probe = probe.parent
    res = subprocess.run(
        ["runuser", "-u", "postgres", "--", "test", "-x", str(probe)], capture_output=True
    )
    return res.returncode == 0


def cluster_for(settings: Settings) -> Cluster:
    """Work out where the local cluster lives.

    The state folder is ``settings.home`` (``./.bordermap``). When root runs from a
    folder the postgres user cannot enter (``/root`` is mode 700), the cluster
    lives under ``/var/lib/bordermap/<hash of the folder>`` instead.
    """
    home = settings.home.resolve()
    base = home
    if _is_root() and not _postgres_can_reach(home):
        digest = hashlib.sha1(str(home).encode()).hexdigest()[:12]
        base = Path("/var/lib/bordermap") / digest
    return Cluster(
        data_dir=base / "pg",
        socket_dir=base / "run",
        log_file=base / "postgres.log",
        port=settings.db_port,
        db_name=settings.db_name,
        db_user=settings.db_user,
    )


def _as_pg_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if _is_root() else cmd


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    # cwd "/": as the postgres user, initdb, pg_ctl and psql first try to enter the caller's
    # folder, and from one it cannot enter (such as /root) every message starts with
    # "could not change directory ... Permission denied". The commands take absolute paths.
    return subprocess.run(_as_pg_user(cmd), capture_output=True, text=True, cwd="/", **kw)  # type: ignore[call-overload]


def port_in_use(port: int) -> bool:
    """Whether something already listens on ``127.0.0.1:port`` (PostgreSQL could not bind it)."""
    with socket.socket() as s:
        # As PostgreSQL does: a port in TIME_WAIT is free, one with a listener is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _port_busy_message(port: int) -> str:
    free = next((p for p in range(port + 1, min(port + 50, 65536)) if not port_in_use(p)), None)
    example = f"BORDERMAP_DB_PORT={free} " if free else "BORDERMAP_DB_PORT=<port> "
    return (
        f"port {port} on 127.0.0.1 is already in use by another program, so the local cluster"
        f" cannot listen there. Pick another port with BORDERMAP_DB_PORT (in the environment"
        f" or .env), e.g. `{example}bordermap db start` (`{example}make run`)."
    )


def _prepare_dirs(c: Cluster) -> None:
    for d in (c.data_dir.parent, c.socket_dir):
        d.mkdir(parents=True, exist_ok=True)
    if _is_root():
        pg = pwd.getpwnam("postgres")
        for d in (c.data_dir.parent, c.socket_dir):
            os.chown(d, pg.pw_uid, pg.pw_gid)


def status(c: Cluster) -> bool:
    """True when the cluster is running."""
    if not (c.data_dir / "PG_VERSION").exists():
        return False
    return _run([str(PG_BIN / "pg_ctl"), "status", "-D", str(c.data_dir)]).returncode == 0


def _psql(c: Cluster, sql: str, db: str = "postgres") -> str:
    res = _run(
        [
            str(PG_BIN / "psql"),
            "-h",
            str(c.socket_dir),
            "-p",
            str(c.port),
            "-U",
            "postgres" if _is_root() else pwd.getpwuid(os.geteuid()).pw_name,
            "-d",
            db,
            "-tAqc",
            sql,
        ]
    )
    if res.returncode != 0:
        raise LocalDBError(f"psql failed: {res.stderr.strip()}")
    return res.stdout.strip()


def start(c: Cluster) -> bool:
    """Create (first time) and start the cluster. Returns False if it was already running."""
    ensure_packages()
    if status(c):
        return False
    if port_in_use(c.port):
        raise LocalDBError(_port_busy_message(c.port))
    _prepare_dirs(c)
    _initdb(c)
    _pg_ctl_start(c)
    _ensure_database(c)
    return True


def start_replica(primary: Cluster, replica: Cluster) -> None:
    """Make ``replica`` a streaming replica of the running ``primary`` and start it.

    ``pg_basebackup -R`` copies the primary and writes ``primary_conninfo`` and
    ``standby.signal``; PostgreSQL 15's defaults (``wal_level=replica``, 10 WAL senders,
    initdb's ``replication`` lines in pg_hba.conf) need nothing more on a local cluster.
    """
    ensure_packages()
    _prepare_dirs(replica)
    res = _run(
        [
            str(PG_BIN / "pg_basebackup"),
            "-D",
            str(replica.data_dir),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",  # the default spreads the checkpoint over minutes
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres" if _is_root() else pwd.getpwuid(os.geteuid()).pw_name,
        ]
    )
    if res.returncode != 0:
        raise LocalDBError(f"pg_basebackup failed: {res.stderr.strip()}")
    _pg_ctl_start(replica)


def _initdb(c: Cluster) -> None:
    if not (c.data_dir / "PG_VERSION").exists():
        res = _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(c.data_dir),
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        if res.returncode != 0:
            raise LocalDBError(f"initdb failed: {res.stderr.strip() or res.stdout.strip()}")


def _pg_ctl_start(c: Cluster) -> None:
    opts = f"-p {c.port} -k {c.socket_dir} -c listen_addresses=127.0.0.1"
    log_start = c.log_file.stat().st_size if c.log_file.exists() else 0
    res = _run(
        [
            str(PG_BIN / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(c.data_dir),
            "-l",
            str(c.log_file),
            "-o",
            opts,
        ]
    )
    if res.returncode != 0:
        tail = _read_from(c.log_file, log_start)[-2000:]
        if "Address already in use" in tail:  # taken between the check and the start
            raise LocalDBError(_port_busy_message(c.port))
        raise LocalDBError(f"pg_ctl start failed: {res.stderr.strip()}\n{tail}")


def _read_from(path: Path, offset: int) -> str:
    """What was appended to ``path`` since it was ``offset`` bytes long."""
    if not path.exists():
        return ""
    with path.open("rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def _ensure_database(c: Cluster) -> None:
    for _ in range(30):
        try:
            _psql(c, "SELECT 1")
            break
        except LocalDBError:
            time.sleep(0.5)
    if _psql(c, f"SELECT 1 FROM pg_roles WHERE rolname = '{c.db_user}'") != "1":
        _psql(c, f'CREATE ROLE "{c.db_user}" LOGIN SUPERUSER')
    if _psql(c, f"SELECT 1 FROM pg_database WHERE datname = '{c.db_name}'") != "1":
        _psql(c, f'CREATE DATABASE "{c.db_name}" OWNER "{c.db_user}"')
    _psql(c, "CREATE EXTENSION IF NOT EXISTS postgis", db=c.db_name)


def stop(c: Cluster) -> bool:
    """Stop the cluster. Returns False if it was not running."""
    if not status(c):
        return False
    res = _run([str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(c.data_dir)])
    if res.returncode != 0:
        raise LocalDBError(f"pg_ctl stop failed: {res.stderr.strip()}")
    return True


def destroy(c: Cluster) -> None:
    """Stop the cluster and delete its files (used for throwaway test clusters)."""
    stop(c)
    shutil.rmtree(c.data_dir.parent, ignore_errors=True)
