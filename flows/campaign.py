"""The parent flow: the whole plan from set-up to referral, one stage flow after another."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow

from flows import artifacts, stages, tasks
from flows.params import (
    CampaignFiles,
    MeetingDetails,
    PlanFile,
    RegistrationImport,
    ScoreImport,
    SignOffOptions,
    Storage,
    run_name,
)
from ocop.services.council.use_cases import ScheduleResult, ScoreResult
from ocop.services.registrations.use_cases import CollectResult, PreAssessResult, VerifyResult
from ocop.services.results.use_cases import RankResult, RecogniseResult, ReferResult
from ocop.services.set_up.use_cases import SetUpResult


@dataclass(frozen=True, slots=True)
class CampaignResult:
    """Every stage's result of one run of the whole plan."""

    campaign: str
    set_up: SetUpResult
    collect: CollectResult
    verify: VerifyResult
    schedule: ScheduleResult
    score: ScoreResult
    rank: RankResult
    recognise: RecogniseResult
    refer: ReferResult
    pre_assess: PreAssessResult | None = None  # the communes' reports, where the edition has them (1489)


@flow(name="Đánh giá, phân hạng sản phẩm OCOP - cả kế hoạch", flow_run_name=run_name, log_prints=True)
def run_campaign(files: CampaignFiles, sign_off: SignOffOptions = SignOffOptions(),
                 storage: Storage = Storage()) -> CampaignResult:
    """Run every stage of the plan in order and return each stage's summary.

    Args:
        files: Tệp kế hoạch, tệp phiếu đăng ký và tệp phiếu đánh giá, trên máy chủ.
        sign_off: Có chờ người ký duyệt trên giao diện ở mỗi bước hay không.
        storage: Để trống để dùng cơ sở dữ liệu và thư mục văn bản của máy chủ.
    """
    setup = stages.set_up(PlanFile(campaign_file=files.campaign_file), sign_off, storage)
    code = setup.campaign
    collected = stages.collect(RegistrationImport(registrations_file=files.registrations_file), code, storage)
    settings = tasks.resolve_settings(storage.db_url, storage.out_dir)
    communes = stages.pre_assess(code, sign_off, storage) if tasks.has_commune_stage(settings, code) else None
    result = CampaignResult(
        campaign=code,
        set_up=setup,
        collect=collected,
        pre_assess=communes,
        verify=stages.verify(code, sign_off, storage),
        schedule=stages.schedule(code, MeetingDetails(), sign_off, storage),
        score=stages.score(code, ScoreImport(scores_file=files.scores_file), storage),
        rank=stages.rank(code, sign_off, storage),
        recognise=stages.recognise(code, sign_off, storage),
        refer=stages.refer(code, sign_off, storage),
    )
    artifacts.campaign(tasks.resolve_settings(storage.db_url, storage.out_dir), result)
    return result
