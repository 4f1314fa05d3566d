"""The same generate flow on threads and on a real Dask cluster gives byte-identical pairs."""

from __future__ import annotations

import importlib.util

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from celflow.cli import app
from celflow.core.pair_folder import INPUT_FILE, MASK_FILE, TARGET_FILE, read_manifest
from celflow.pipelines.generate import generate_flow
from celflow.pipelines.runners import RunnerSpec, with_runner
from tests.pipelines.photo_folders import write_face_photos


def _pair_files(pairs_dir):
    manifest = read_manifest(pairs_dir)
    files = {(r.pair_id, name): (pairs_dir / r.pair_id / name).read_bytes() for r in manifest.pairs for name in (INPUT_FILE, TARGET_FILE, MASK_FILE)}
    records = {r.pair_id: r.model_dump(exclude={"teacher_ms"}) for r in manifest.pairs}
    return files, records, [(r.source, r.reason) for r in manifest.rejected]


def test_dask_cluster_with_two_workers_makes_the_same_pair_bytes_as_threads(prefect_server, tmp_path, hopper):
    photos = tmp_path / "photos"
    write_face_photos(photos, hopper, 8, seed=3)
    with_runner(generate_flow, RunnerSpec(kind="threads"))(photos, tmp_path / "threads", max_side=192, progress=False)
    # processes=False: two worker threads in one process start in about a second here, worker processes in ~10 s
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        spec = RunnerSpec(kind="dask", address=cluster.scheduler_address)
        with_runner(generate_flow, spec)(photos, tmp_path / "dask", max_side=192, progress=False)
        tasks_per_worker = [len(worker.state.log) for worker in cluster.workers.values()]
    threads, dask = _pair_files(tmp_path / "threads"), _pair_files(tmp_path / "dask")
    assert len(threads[0]) >= 3 * 6, "most of the 8 portraits should give a pair"
    assert dask == threads
    assert all(count > 0 for count in tasks_per_worker), f"both Dask workers should have run tasks: {tasks_per_worker}"


@pytest.mark.skipif(importlib.util.find_spec("prefect_ray") is not None, reason="prefect-ray is installed here")
def test_ray_runner_without_the_extra_fails_with_the_install_command(tmp_path, hopper):
    write_face_photos(tmp_path / "photos", hopper, 1)
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "photos"), str(tmp_path / "pairs"), "--runner", "ray"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'celflow[ray]'" in lines[0]


def test_address_without_a_cluster_runner_is_refused(tmp_path, hopper):
    write_face_photos(tmp_path / "photos", hopper, 1)
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "photos"), str(tmp_path / "pairs"), "--address", "tcp://x:8786"])
    assert result.exit_code == 1 and "--address needs" in result.output
