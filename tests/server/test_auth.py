"""`ocop server` on an office network: basic auth, loopback without it, runs that keep to the server's storage.

The module starts the real `ocop server` (a Prefect server, the deployments, one process worker)
with a credential file, as the README's production recipe does, and stops it afterwards.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.server.test_server_and_workers import free_port, stop_group, wait_all

USER, PASSWORD = "ocop", "mat-khau-thu-nghiem-123"
PUBLIC = "https://ocop.phong-nn.example"
CLI = [sys.executable, "-c", "from flows.cli import main; main()"]
SET_UP = "lap-ke-hoach"
AUTH_VARIABLES = ("OCOP_AUTH_FILE", "PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_AUTH_STRING",
                  "OCOP_ALLOW_STORAGE_PARAMETERS", "PREFECT_API_URL")


def clean_env(tmp: Path) -> dict[str, str]:
    """The caller's environment without any credential or server address, and its own Prefect home."""
    env = {k: v for k, v in os.environ.items() if k not in AUTH_VARIABLES}
    return {**env, "PREFECT_HOME": str(tmp / "home"), "OCOP_PDF": "off"}


@dataclass(frozen=True)
class Office:
    api: str
    out: Path
    db: str
    log: Path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory):
    """`ocop server --auth-file …` on a free port, its documents and database in a folder of their own."""
    from flows import server

    tmp = tmp_path_factory.mktemp("office")
    auth = tmp / "auth"
    auth.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    auth.chmod(0o600)
    port = free_port()
    api = server.api_url("127.0.0.1", port)
    out, db, log = tmp / "out", f"sqlite:///{tmp / 'out' / 'ocop.db'}", tmp / "server.out"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*CLI, "server", "--port", str(port), "--auth-file", str(auth), "--out", str(out), "--db", db,
             "--public-url", PUBLIC],
            env=clean_env(tmp), cwd=tmp, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        end = time.monotonic() + 180
        while "Văn bản:" not in log.read_text(errors="replace"):  # printed once the worker is started
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < end, "ocop server not ready in 180 s: " + log.read_text(errors="replace")
            time.sleep(1)
        yield Office(api, out, db, log)
    finally:
        stop_group(proc)
    assert not server.healthy(api)


def status(url: str, auth: str | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    if auth is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_anonymous_calls_get_401_and_authorised_ones_200(office: Office) -> None:
    from flows import server

    flows_filter = f"{office.api}/deployments/filter"
    assert status(flows_filter, body=b"{}") == 401
    assert status(flows_filter, f"{USER}:wrong-password", body=b"{}") == 401
    assert status(flows_filter, f"{USER}:{PASSWORD}", body=b"{}") == 200
    assert status(f"{office.api}/admin/version") == 401
    # the health probe stays open, so code that only asks "is a server there?" still works
    assert status(f"{office.api}/health") == 200 and server.healthy(office.api)
    credential = server.Credential(USER, PASSWORD, "test")
    assert server.authorised(office.api, credential) and not server.authorised(office.api, None)
    # Prefect's UI asks for the password (its settings say basic auth) and calls the public address
    with urllib.request.urlopen(office.api.removesuffix("/api") + "/ui-settings", timeout=10) as response:
        ui = json.loads(response.read())
    assert (ui["auth"], ui["api_url"]) == ("BASIC", f"{PUBLIC}/api")
    printed = office.log.read_text(errors="replace")
    assert f"tên '{USER}'" in printed and PASSWORD not in printed  # never the password


def deployment(name: str) -> str:
    from flows.deployments import full_names

    [full] = [n for n in full_names() if n.endswith(f"/{name}")]
    return full


def test_the_worker_runs_a_deployment_with_the_credential_and_the_servers_storage(office: Office) -> None:
    from prefect.deployments import run_deployment

    from flows import server
    from ocop.services import stages
    from ocop.settings import Settings

    with server.connected(office.api, server.Credential(USER, PASSWORD, "test")):
        run = run_deployment(deployment(SET_UP), timeout=0, parameters={
            "plan": {"campaign_file": str(SAMPLE / "campaign.toml")}})
    [done] = wait_all_authorised(office.api, [run.id])
    assert done.state.is_completed(), done.state.message
    # written where `ocop server --db/--out` said: the campaign and its decisions
    settings = Settings.from_env({"OCOP_PDF": "off"}, out_dir=office.out, database_url=office.db)
    issued = [d for d in stages.documents(settings, "luc-nam-2020") if d.status == "issued"]
    assert issued and all(d.file and (office.out / d.file).exists() for d in issued)


def test_a_run_cannot_point_at_another_database_or_folder(office: Office, tmp_path: Path) -> None:
    from prefect.deployments import run_deployment

    from flows import server

    foreign = tmp_path / "probe"
    plan = {"campaign_file": str(SAMPLE / "campaign.toml")}
    with server.connected(office.api, server.Credential(USER, PASSWORD, "test")):
        by_parameters = run_deployment(deployment(SET_UP), timeout=0, parameters={
            "plan": plan, "storage": {"db_url": f"sqlite:///{foreign / 'probe.db'}", "out_dir": str(foreign)}})
        only_folder = run_deployment(deployment(SET_UP), timeout=0, parameters={
            "plan": plan, "storage": {"out_dir": str(foreign / "docs")}})
        # nor through the job's environment: the pool's template has no `env` (nor `command`) to set
        try:
            by_env = run_deployment(deployment(SET_UP), timeout=0, parameters={"plan": plan}, job_variables={
                "env": {"OCOP_DATABASE_URL": f"sqlite:///{foreign / 'env.db'}", "OCOP_OUT_DIR": str(foreign)}})
        except Exception:  # refused at once by the server is as good
            by_env = None
        # nor the folder it runs in (a module planted there would be imported): the pool fixes working_dir
        planted = tmp_path / "trong-thu-muc-la"
        (planted / "prefect").mkdir(parents=True)
        (planted / "prefect" / "__init__.py").write_text(f"open({str(foreign)!r}, 'w')\n", encoding="utf-8")
        try:
            by_folder = run_deployment(deployment(SET_UP), timeout=0, parameters={"plan": plan},
                                       job_variables={"working_dir": str(planted)})
        except Exception:
            by_folder = None
    a, b = wait_all_authorised(office.api, [by_parameters.id, only_folder.id])
    for refused in (a, b):
        assert refused.state.is_failed()
        assert "Lượt chạy qua máy chủ không được chọn nơi lưu khác" in refused.state.message, refused.state.message
        assert "--allow-storage-parameters" in refused.state.message
    if by_env is not None:
        [c] = wait_all_authorised(office.api, [by_env.id])
        assert c.state.is_completed(), c.state.message  # it ran, on the server's own storage
    if by_folder is not None:
        [d] = wait_all_authorised(office.api, [by_folder.id])
        assert d.state.is_completed(), d.state.message  # it ran, in the pool's folder
    assert not foreign.exists()  # nothing written there, by any of the four


def wait_all_authorised(api: str, ids: list) -> list:
    from flows import server

    with server.connected(api, server.Credential(USER, PASSWORD, "test")):
        return wait_all(api, ids, timeout=300)


def test_ocop_deploy_needs_the_password(office: Office, tmp_path: Path) -> None:
    env = {**clean_env(tmp_path), "PREFECT_API_URL": office.api}
    anonymous = subprocess.run([*CLI, "deploy"], env=env, capture_output=True, text=True, timeout=300)
    assert anonymous.returncode == 1 and "Traceback" not in anonymous.stderr
    assert f"Lỗi: Máy chủ Prefect tại {office.api} yêu cầu mật khẩu" in anonymous.stderr
    auth = tmp_path / "auth"
    auth.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    auth.chmod(0o600)
    deployed = subprocess.run([*CLI, "deploy"], env={**env, "OCOP_AUTH_FILE": str(auth)},
                              capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stderr
    assert "Đã đăng ký 11 deployment cho work pool ocop-pool" in deployed.stdout


def test_beyond_loopback_without_a_credential_is_refused(tmp_path: Path) -> None:
    from flows import server

    port = free_port()
    result = subprocess.run([*CLI, "server", "--host", "0.0.0.0", "--port", str(port), "--out", str(tmp_path)],
                            env=clean_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Lỗi: Không mở máy chủ ra mạng (--host 0.0.0.0) khi chưa đặt mật khẩu" in result.stderr
    assert "Traceback" not in result.stderr
    assert not server.healthy(server.api_url("127.0.0.1", port))


@pytest.mark.parametrize(("content", "problem"), [
    ("ocop\n", "phải có dạng tên:mật-khẩu"),
    (":mat-khau-dai-du\n", "phải có dạng tên:mật-khẩu"),
    ("ocop:ngan\n", "quá ngắn (4 ký tự)"),
    ("ocop:mat-khau-dai-du\nkhac:mat-khau-khac-nua\n", "phải có đúng một dòng"),
])
def test_a_bad_credential_file_is_named(tmp_path: Path, content: str, problem: str) -> None:
    from flows import server
    from ocop.errors import InputError

    path = tmp_path / "auth"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        server.server_credential(path, env={})
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_where_the_credential_comes_from(tmp_path: Path) -> None:
    from flows import server

    path = tmp_path / "auth"
    path.write_text("tu-tep:mat-khau-trong-tep\n", encoding="utf-8")
    path.chmod(0o644)
    from_file = server.server_credential(None, env={"OCOP_AUTH_FILE": str(path),
                                                    "PREFECT_SERVER_API_AUTH_STRING": "bien:mat-khau-bien"})
    assert (from_file.user, from_file.exposed) == ("tu-tep", True)  # the file wins, and everyone can read it
    path.chmod(0o640)                                                  # the README's root:ocop 640: a choice
    assert not server.server_credential(None, env={"OCOP_AUTH_FILE": str(path)}).exposed
    assert server.server_credential(None, env={"PREFECT_SERVER_API_AUTH_STRING": "bien:mat-khau-bien"}).user == "bien"
    assert server.server_credential(None, env={}) is None
    assert "mat-khau" not in repr(from_file)
    assert [server.is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.0.1.1", "0.0.0.0", "::",
                                              "192.168.1.10", "ocop.local")] == [True] * 4 + [False] * 4
    assert server.api_url("0.0.0.0", 4200) == "http://127.0.0.1:4200/api"
    assert server.api_url("::", 4200) == "http://[::1]:4200/api"
