"""Run the office's dashboard: a Prefect server, the deployments, and a worker (or ``serve()``).

``ocop server`` (and ``make server``): starts ``prefect server start`` (through flows/prefect_server.py,
which makes Prefect's SQLite hold under several workers) unless one already answers
at the address, creates the process work pool, registers every deployment, starts the worker(s),
and stays in the foreground until Ctrl+C / SIGTERM, then stops what it started.
``ocop serve``: the same, but one process runs the flows itself (Prefect's ``serve()``).

Authentication is Prefect's basic auth: the server demands PREFECT_SERVER_API_AUTH_STRING
("user:password") on every API call but GET /api/health and /api/ready; clients (workers, flow runs,
this CLI) send PREFECT_API_AUTH_STRING. Without a credential the server listens on loopback only.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from ocop.errors import InputError, OcopError

# Quiet, offline-friendly defaults for every process started from here (notes/prefect.md).
DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_WORKER_QUERY_SECONDS": "2",
    "PREFECT_RUNNER_POLL_FREQUENCY": "2",
}
STARTUP_TIMEOUT = 120.0


# Where the credential comes from, first found wins (README, "Production: the office's server").
AUTH_FILE_ENV = "OCOP_AUTH_FILE"  # a file holding one line "user:password"; same as `ocop server --auth-file`
SERVER_AUTH_ENV = "PREFECT_SERVER_API_AUTH_STRING"  # Prefect's server setting
CLIENT_AUTH_ENV = "PREFECT_API_AUTH_STRING"  # Prefect's client setting
MIN_PASSWORD = 8
# Deployment runs use the worker's OCOP_DATABASE_URL / OCOP_OUT_DIR unless this is "1" (flows.tasks).
ALLOW_STORAGE_ENV = "OCOP_ALLOW_STORAGE_PARAMETERS"


@dataclass(frozen=True, slots=True)
class Credential:
    """The basic-auth pair the server demands and its clients send; the password is never printed."""

    user: str
    password: str = field(repr=False)
    source: str  # for messages: "tệp /etc/ocop/auth" or "biến PREFECT_SERVER_API_AUTH_STRING"
    exposed: bool = False  # its file can be read by every user of the machine

    @property
    def auth_string(self) -> str:
        return f"{self.user}:{self.password}"


def _parse(value: str, source: str, exposed: bool = False) -> Credential:
    user, colon, password = value.strip().partition(":")
    if not colon or not user.strip() or not password:
        raise InputError(f"Mật khẩu máy chủ trong {source} phải có dạng tên:mật-khẩu trên một dòng "
                         "(ví dụ ocop:mot-mat-khau-dai).")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"Mật khẩu máy chủ trong {source} quá ngắn ({len(password)} ký tự); "
                         f"cần ít nhất {MIN_PASSWORD} ký tự.")
    return Credential(user.strip(), password, source, exposed)


def read_auth_file(path: Path) -> Credential:
    source = f"tệp {path}"
    try:
        text = path.read_text(encoding="utf-8-sig")
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp mật khẩu máy chủ {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Không đọc được tệp mật khẩu máy chủ {path}: {exc}.") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise InputError(f"Tệp mật khẩu máy chủ {path} phải có đúng một dòng tên:mật-khẩu "
                         f"(đang có {len(lines)} dòng).")
    # readable by every user of the machine; a group's read (root:ocop 640, the README's layout) is a choice
    return _parse(lines[0], source, exposed=bool(mode & stat.S_IROTH))


def server_credential(auth_file: Path | None = None, env: Mapping[str, str] = os.environ) -> Credential | None:
    """What ``ocop server`` demands: --auth-file, else OCOP_AUTH_FILE, else PREFECT_SERVER_API_AUTH_STRING,
    else PREFECT_API_AUTH_STRING (the clients' setting, when the office set only that one)."""
    if auth_file is None and env.get(AUTH_FILE_ENV):
        auth_file = Path(env[AUTH_FILE_ENV])
    if auth_file is not None:
        return read_auth_file(auth_file)
    for name in (SERVER_AUTH_ENV, CLIENT_AUTH_ENV):
        if env.get(name):
            return _parse(env[name], f"biến {name}")
    return None


def client_credential(env: Mapping[str, str] = os.environ) -> Credential | None:
    """What a client (a stage command, ``ocop deploy``) sends: OCOP_AUTH_FILE, else PREFECT_API_AUTH_STRING."""
    if env.get(AUTH_FILE_ENV):
        return read_auth_file(Path(env[AUTH_FILE_ENV]))
    if env.get(CLIENT_AUTH_ENV):
        return _parse(env[CLIENT_AUTH_ENV], f"biến {CLIENT_AUTH_ENV}")
    return None


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; a name or any other address reaches beyond this machine."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, credential: Credential | None) -> None:
    """Listening beyond loopback needs a credential: anyone on the network could run the deployments."""
    if credential is None and not is_loopback(host):
        raise OcopError(
            f"Không mở máy chủ ra mạng (--host {host}) khi chưa đặt mật khẩu: ai trong mạng cũng chạy được "
            "các deployment. Đặt mật khẩu bằng --auth-file <tệp chứa dòng tên:mật-khẩu> (hoặc biến "
            f"{AUTH_FILE_ENV}, {SERVER_AUTH_ENV}), hoặc bỏ --host để chỉ nghe trên 127.0.0.1.")


def client_host(host: str) -> str:
    """The address this machine's own processes use to reach a server listening on ``host``."""
    bare = host.strip("[]")
    if bare in ("0.0.0.0", ""):
        return "127.0.0.1"
    if bare == "::":
        return "::1"
    return host


def api_url(host: str, port: int) -> str:
    host = client_host(host)
    if ":" in host and not host.startswith("["):  # an IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{port}/api"


def healthy(api: str, timeout: float = 2.0) -> bool:
    """A Prefect server answers at ``api``. /api/health needs no credential (Prefect exempts it), so
    this says nothing about whether this process may use the server: see ``authorised``."""
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=timeout) as response:
            status: int = response.status  # urlopen's response is typed Any
            return status == 200
    except (urllib.error.URLError, OSError):
        return False


def authorised(api: str, credential: Credential | None, timeout: float = 5.0) -> bool:
    """The server at ``api`` accepts this credential (or no credential) on an ordinary API call."""
    request = urllib.request.Request(f"{api}/admin/version")
    if credential is not None:
        token = base64.b64encode(credential.auth_string.encode("utf-8")).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status: int = response.status
            return status == 200
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            return False
        raise OcopError(f"Máy chủ Prefect tại {api} trả lỗi HTTP {exc.code}.") from None
    except (urllib.error.URLError, OSError) as exc:
        raise OcopError(f"Không kết nối được máy chủ Prefect tại {api}: {exc}.") from None


def require_access(api: str, credential: Credential | None) -> None:
    """An OcopError naming what to set when the running server at ``api`` refuses this process."""
    if authorised(api, credential):
        return
    if credential is None:
        raise OcopError(f"Máy chủ Prefect tại {api} yêu cầu mật khẩu: đặt biến {AUTH_FILE_ENV} (tệp chứa "
                        f"dòng tên:mật-khẩu) hoặc {CLIENT_AUTH_ENV}=tên:mật-khẩu.")
    raise OcopError(f"Máy chủ Prefect tại {api} từ chối mật khẩu lấy từ {credential.source}.")


def environment(api: str, out_dir: Path | None = None, database_url: str | None = None,
                credential: Credential | None = None, allow_storage: bool = False) -> dict[str, str]:
    """The environment of the workers and their flow runs (the server's: ``for_server``)."""
    env = {**DEFAULTS, **os.environ, "PREFECT_API_URL": api}
    for name in (SERVER_AUTH_ENV, CLIENT_AUTH_ENV, ALLOW_STORAGE_ENV):
        env.pop(name, None)  # only what this command decided reaches its children
    if credential is not None:  # the workers' and their runs' client setting; the server's: for_server()
        env[CLIENT_AUTH_ENV] = credential.auth_string
    if allow_storage:
        env[ALLOW_STORAGE_ENV] = "1"
    if out_dir is not None:
        env["OCOP_OUT_DIR"] = str(out_dir.resolve())
    if database_url:
        env["OCOP_DATABASE_URL"] = database_url
    return env


# What Prefect's server process has no use for: the project's database, the signing key's password, the
# clients' credential. The server faces the network; a secret it never holds cannot leak from it.
SERVER_WITHHELD = ("OCOP_DATABASE_URL", "OCOP_SIGNING_PASSWORD", "OCOP_SIGNING_PASSWORD_FILE", "OCOP_SIGNING_CERT",
                   "OCOP_AUTH_FILE", CLIENT_AUTH_ENV)


def for_server(env: Mapping[str, str], credential: Credential | None) -> dict[str, str]:
    """The server's environment, from the workers' (``environment``): their secrets withheld, the
    server's own auth setting added when there is a credential."""
    server = {k: v for k, v in env.items() if k not in SERVER_WITHHELD}
    if credential is not None:
        server[SERVER_AUTH_ENV] = credential.auth_string
    return server


def _spawn(args: list[str], env: dict[str, str], log: Path | None, module: str = "prefect") -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", module, *args]
    if log is None:
        return subprocess.Popen(command, env=env, start_new_session=True)
    with open(log, "ab") as out:  # the child has its own copy of the descriptor; the parent's is closed here
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """SIGTERM the process group (Prefect's server stops on it), then SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def start_server(host: str, port: int, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """``prefect server start`` in its own process group; returns once /api/health answers."""
    # `prefect server start`, its SQLite transactions made IMMEDIATE (flows/prefect_server.py)
    server = _spawn(["server", "start", "--host", host, "--port", str(port)], env, log, "flows.prefect_server")
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if healthy(api_url(host, port)):
            return server
        if server.poll() is not None:
            raise OcopError(f"Máy chủ Prefect dừng ngay khi khởi động (mã {server.returncode}); cổng {port} "
                            f"có thể đang bị chương trình khác dùng, thử --port khác"
                            + (f"; xem {log}" if log else "") + ".")
        time.sleep(0.5)
    stop(server)
    raise OcopError(f"Máy chủ Prefect không trả lời tại {host}:{port} sau {STARTUP_TIMEOUT:.0f} giây.")


# Prefect 3.9's process worker logs "Sending SIGINT to the process worker" on SIGTERM but, idle,
# takes 20-40 s to exit (measured): a worker is given a few seconds, then killed with its group.
WORKER_STOP_SECONDS = 5.0


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    stop(process, WORKER_STOP_SECONDS)


def start_worker(pool: str, name: str, env: dict[str, str], limit: int = 4,
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    return _spawn(["worker", "start", "--pool", pool, "--type", "process", "--name", name,
                   "--limit", str(limit)], env, log)


def job_template(working_dir: Path) -> dict[str, Any]:
    """Prefect's process job template without the ``command``, ``env`` and ``working_dir`` variables:
    a run started through the API or the UI cannot change what the worker executes, its environment
    (so neither OCOP_DATABASE_URL, OCOP_OUT_DIR nor OCOP_ALLOW_STORAGE_PARAMETERS) nor the folder it
    runs in (where a planted module would be imported); runs get the worker's own environment and
    ``working_dir``, fixed in the pool."""
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    # Gone from the configuration, not merely emptied: Prefect merges a run's `env` into any `env`
    # mapping the template has. Without them the worker runs its default command
    # (python -m prefect.engine) in its own environment.
    for name in ("command", "env", "working_dir"):
        template["job_configuration"].pop(name, None)
        template["variables"]["properties"].pop(name, None)
    template["job_configuration"]["working_dir"] = str(working_dir.resolve())
    return template


def ensure_pool(pool: str, working_dir: Path) -> None:
    """The process work pool, created or brought to ``job_template``: its runs run in ``working_dir``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectAlreadyExists

    template = job_template(working_dir)
    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process", base_job_template=template))
        except ObjectAlreadyExists:
            client.update_work_pool(pool, WorkPoolUpdate(base_job_template=template))


def register(pool: str) -> list[str]:
    """Create or update every deployment on the server for ``pool`` (its working folder is the pool's:
    ``ensure_pool``); returns their full names."""
    from flows.deployments import build, full_names

    for deployment in build(pool):
        deployment.apply(work_pool_name=pool)
    return full_names()


@contextmanager
def connected(api: str, credential: Credential | None = None, also: Mapping[Any, Any] | None = None) -> Iterator[None]:
    """This process's Prefect client talks to ``api``, sending ``credential`` (settings read at
    import would miss both); without one, PREFECT_API_AUTH_STRING from the environment or the profile.
    ``also``: other Prefect settings for the duration (one settings object is built: ~25 ms each)."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    updates: dict[Any, Any] = {**(also or {}), PREFECT_API_URL: api}
    if credential is not None:
        updates[PREFECT_API_AUTH_STRING] = credential.auth_string
    with temporary_settings(updates):
        yield


@contextmanager
def server_at(host: str, port: int, env: dict[str, str], log: Path | None,
              credential: Credential | None = None) -> Iterator[bool]:
    """A Prefect server at host:port for the duration: the one already there (which must accept
    ``credential``), or one started here."""
    api = api_url(host, port)
    if healthy(api):
        require_access(api, credential)
        yield False
        return
    server = start_server(host, port, for_server(env, credential), log)
    try:
        yield True
    finally:
        stop(server)


def wait_for_signal() -> None:
    """Block until Ctrl+C or SIGTERM."""
    stopping = {"now": False}

    def handler(signum: int, frame: FrameType | None) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    while not stopping["now"]:
        time.sleep(0.5)
