"""Scores from the Prefect UI: the record-scores run pauses once per member still missing sheets,
with a typed form of that member's part totals (A, B, C per product), until all have submitted."""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field, create_model

from flows import tasks
from ocop.services.council.use_cases import MissingSheet, PartTotals
from ocop.settings import Settings
from ocop.text import ascii_key


def member_form(member: str, products: list[MissingSheet]) -> type[RunInput]:
    """A form with three bounded fields per product; it shows names and maxima, never others' points."""
    fields: dict[str, Any] = {}
    for p in products:
        key = ascii_key(p.code)
        for part in ("a", "b", "c"):
            most = getattr(p, part)
            fields[f"{key}_{part}"] = (int, Field(
                ge=0, le=most, title=f"{p.code} – Phần {part.upper()} (tối đa {most})", description=p.name))
    return create_model(f"Phieu_{ascii_key(member)}", __base__=RunInput, **fields)


def collect_member_scores(settings: Settings, campaign: str | None, timeout: int) -> list[str]:
    """Pause for each present member without sheets; store each answer as it arrives."""
    done = []
    missing = tasks.missing_sheets(settings, campaign)
    for member, products in missing.items():
        form = member_form(member, products)
        answer = pause_flow_run(
            wait_for_input=form.with_initial_data(
                description=f"**Phiếu đánh giá của {member}**: tổng điểm từng phần cho {len(products)} sản phẩm."),
            timeout=timeout, poll_interval=2,
        )
        values = answer.model_dump(exclude={"metadata"})
        totals = [PartTotals(p.code, *(values[f"{ascii_key(p.code)}_{part}"] for part in ("a", "b", "c")))
                  for p in products]
        tasks.record_part_totals(settings, campaign, member, totals)
        get_run_logger().info("sheets received from one member (%d products)", len(products))
        done.append(member)
    return done
