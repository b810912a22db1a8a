"""Architecture and documentation checks: layers, deployments, CLI help, README."""

from __future__ import annotations

import ast
import importlib
import re

import pytest
import yaml

from tests.conftest import REPO


def test_ocop_never_imports_prefect() -> None:
    offenders = []
    for path in (REPO / "ocop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in ("prefect", "flows")]
    assert offenders == []


def test_rules_import_neither_sqlalchemy_nor_docx() -> None:
    for path in (REPO / "ocop" / "rules").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sqlalchemy" not in text and "docx" not in text, path


def test_every_stage_flow_is_deployed_by_both_deployment_files() -> None:
    from flows.campaign import run_campaign
    from flows.stages import STAGE_FLOWS

    spec = yaml.safe_load((REPO / "deployments" / "prefect.yaml").read_text(encoding="utf-8"))
    loaded = []
    for d in spec["deployments"]:
        module_path, func = d["entrypoint"].split(":")
        module = importlib.import_module(module_path.removesuffix(".py").replace("/", "."))
        loaded.append(getattr(module, func))
    assert set(loaded) == {*STAGE_FLOWS, run_campaign}

    import runpy

    serve = runpy.run_path(str(REPO / "deployments" / "serve.py"), run_name="smoke")
    built = serve["deployments"]()
    assert {d.flow_name for d in built} == {f.name for f in loaded}


def _commands(app, prefix=()):  # noqa: ANN001, ANN202
    import typer.main

    group = typer.main.get_command(app)
    stack = [(prefix, group)]
    while stack:
        path, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            stack += [((*path, name), sub) for name, sub in subs.items()]
        else:
            yield " ".join(path), cmd


def test_every_cli_command_has_bilingual_help_and_is_in_the_readme() -> None:
    from flows.cli import app

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = dict(_commands(app))
    assert {"demo", "campaign create", "registrations import", "verify", "meeting schedule",
            "scores import", "rank", "refer", "documents list"} <= set(commands)
    for name, cmd in commands.items():
        assert cmd.help and " / " in cmd.help, name
        assert re.search(rf"ocop {re.escape(name)}\b", readme), f"README does not show 'ocop {name}'"


@pytest.mark.parametrize("target", ["make demo", "make test"])
def test_readme_quick_start_shows_the_two_commands(target: str) -> None:
    assert target in (REPO / "README.md").read_text(encoding="utf-8")
