"""What `celflow serve` serves and what prefect.yaml deploys: real Prefect deployment objects, never blocking."""

from __future__ import annotations

from pathlib import Path

import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint
from typer.testing import CliRunner

from celflow.cli import app
from celflow.pipelines.deployments import build_deployments
from celflow.pipelines.runners import RunnerSpec

REPO = Path(__file__).resolve().parents[2]


def test_serve_builds_a_cron_watch_and_a_distill_deployment_per_character(tmp_path):
    watch = tmp_path / "incoming"
    watch.mkdir()
    deployments = build_deployments(watch, tmp_path / "out", ["default"], cron="*/10 * * * *", runner=RunnerSpec(kind="dask"))
    by_name = {d.name: d for d in deployments}
    assert set(by_name) == {"watch-default", "distill-default"}
    watch_schedule = by_name["watch-default"].schedules[0].schedule
    assert isinstance(watch_schedule, CronSchedule) and watch_schedule.cron == "*/10 * * * *"
    assert not by_name["distill-default"].schedules
    assert by_name["watch-default"].parameters["out_dir"] == by_name["distill-default"].parameters["out_dir"]
    assert by_name["distill-default"].parameters["runner"]["kind"] == "dask"


def test_prefect_yaml_deployments_load_their_flows_and_accept_their_parameters():
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    assert {d["name"] for d in spec["deployments"]} >= {"watch-default", "distill-default"}
    for deployment in spec["deployments"]:
        flow = load_flow_from_entrypoint(str(REPO / deployment["entrypoint"]))
        flow.validate_parameters(deployment["parameters"])  # raises on a misspelt or mistyped parameter
        for schedule in deployment.get("schedules", []):
            CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])


def test_serve_with_a_missing_watch_folder_or_bad_pack_says_so_in_one_line(tmp_path):
    missing = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere"), str(tmp_path / "out")])
    (tmp_path / "incoming").mkdir()
    bad_pack = CliRunner().invoke(app, ["serve", str(tmp_path / "incoming"), str(tmp_path / "out"), "-c", "no-such-pack"])
    for result, needle in ((missing, "nowhere"), (bad_pack, "no-such-pack")):
        assert result.exit_code == 1
        assert len(result.output.strip().splitlines()) == 1 and needle in result.output
