"""Architecture and documentation checks: layers, deployments, CLI help, README."""

from __future__ import annotations

import ast
import re

import pytest

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


def test_every_flow_is_deployed_with_vietnamese_run_forms() -> None:
    from flows.campaign import run_campaign
    from flows.deployments import build
    from flows.reminders import remind
    from flows.stages import STAGE_FLOWS

    built = build()
    assert {d.flow_name for d in built} == {f.name for f in (*STAGE_FLOWS, run_campaign, remind)}
    for d in built:
        assert d.work_pool_name == "ocop-pool" and d.description
        schema = d._parameter_openapi_schema
        for name, prop in schema.properties.items():  # a title a clerk reads, not the Python name
            assert prop["title"] != name and not prop["title"].isascii(), (d.name, name)
        for model in schema.definitions.values():
            assert not model["title"].isascii() and "description" not in model, (d.name, model["title"])
            for field_name, field in model["properties"].items():
                assert not field["title"].isascii(), (d.name, field_name)
    reminders = next(d for d in built if d.flow_name == remind.name)
    [schedule] = reminders.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 7 * * 1-5", "Asia/Ho_Chi_Minh")
    campaign = next(d for d in built if d.flow_name == run_campaign.name)
    assert all((REPO / path).is_file() for path in campaign.parameters["files"].values())


def _commands(app, prefix=()):
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
