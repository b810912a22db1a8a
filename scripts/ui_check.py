"""Look at what the clerk sees: run the whole sample campaign on a Prefect server with a worker,
then open the finished run in headless Chromium (Debian's, driven by Playwright) and save
screenshots of the run page, its artifacts, and the campaign deployment's run form.

    make ui-check                      # a private server on a free port; screenshots in docs/ui/
    .venv/bin/python scripts/ui_check.py --api http://127.0.0.1:4200/api   # use a running `make server`

Not part of `make test`: it needs /usr/bin/chromium and takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", help="a running Prefect server's API URL (with its worker); default: start one")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "ui", help="folder for the screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with ExitStack() as stack:
        api = args.api or start_private(stack)
        ui = api.removesuffix("/api")
        run_id = run_campaign(api)
        print(f"run finished: {ui}/runs/flow-run/{run_id}")
        shoot(args, ui, run_id, pages(api))
    return 0


def start_private(stack: ExitStack) -> str:
    """Server and worker of our own, in a temporary PREFECT_HOME, stopped on exit."""
    from flows import server

    home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ocop-ui-check-")))
    port = free_port()
    api = server.api_url("127.0.0.1", port)
    os.environ.update({"PREFECT_HOME": str(home / "prefect"), "PREFECT_API_URL": api, **server.DEFAULTS})
    env = server.environment(api, home / "out")
    proc = server.start_server("127.0.0.1", port, env, home / "server.log")
    stack.callback(server.stop, proc)
    stack.enter_context(server.connected(api))
    server.ensure_pool("ocop-pool", REPO)
    server.register("ocop-pool")
    worker = server.start_worker("ocop-pool", "ui-check", env, log=home / "worker.log")
    stack.callback(server.stop_worker, worker)
    return api


def run_campaign(api: str) -> str:
    from prefect.deployments import run_deployment

    from flows.deployments import full_names
    from flows.server import connected

    started = time.monotonic()
    with connected(api):
        run = run_deployment(full_names()[0], timeout=600, poll_interval=2)
    if not run.state.is_completed():
        raise SystemExit(f"campaign run ended {run.state.type}: {run.state.message}")
    print(f"campaign run completed in {time.monotonic() - started:.1f} s")
    return str(run.id)


def pages(api: str) -> dict[str, str]:
    """UI paths of the ranking and charts artifacts and of the campaign deployment's run form."""
    from prefect.artifacts import Artifact
    from prefect.client.orchestration import get_client

    from flows.deployments import full_names
    from flows.server import connected

    with connected(api), get_client(sync_client=True) as client:
        ranking = Artifact.get("luc-nam-2020-ket-qua-ke-hoach", client=client)
        charts = Artifact.get("luc-nam-2020-bieu-do", client=client)  # the rank run's charts, inline PNGs
        deployment = client.read_deployment_by_name(full_names()[0])
    assert ranking is not None and charts is not None and deployment is not None
    return {"artifact-ranking.png": f"/artifacts/artifact/{ranking.id}",
            "artifact-charts.png": f"/artifacts/artifact/{charts.id}",
            "run-form.png": f"/deployments/deployment/{deployment.id}/run"}


def shoot(args: argparse.Namespace, ui: str, run_id: str, more: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
        page.goto(f"{ui}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.get_by_text("Completed").first.wait_for(timeout=30000)
        page.wait_for_timeout(1500)
        save(page, args.out / "campaign-run.png")
        page.get_by_text("Artifacts", exact=True).first.click()
        page.wait_for_timeout(4000)
        save(page, args.out / "campaign-run-artifacts.png")
        page.get_by_text("luc-nam-2020-tom-tat-ke-hoach").first.click()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(2500)
        save(page, args.out / "artifact-summary.png")
        for name, path in more.items():
            page.goto(f"{ui}{path}", wait_until="networkidle")
            page.wait_for_timeout(2500)
            save(page, args.out / name)
        page.goto(f"{ui}/deployments", wait_until="networkidle")
        page.get_by_text("chay-ca-ke-hoach").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        save(page, args.out / "deployments.png")
        browser.close()


def save(page, path: Path, full: bool = False) -> None:
    page.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


if __name__ == "__main__":
    sys.exit(main())
