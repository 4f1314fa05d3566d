"""Reading back from the Prefect test server what a flow run did: its task runs (subflows included), artifacts."""

from __future__ import annotations

from uuid import UUID

from prefect import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
    TaskRunFilter,
    TaskRunFilterFlowRunId,
)
from prefect.client.schemas.objects import TaskRun
from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
from prefect.states import State

LIMIT = 200


def flow_run_id(state: State) -> UUID:
    return state.state_details.flow_run_id


def _with_subflows(client, run_id: UUID) -> list[UUID]:
    children = client.read_flow_runs(
        flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run_id])),
        sort=FlowRunSort.ID_DESC,
        limit=LIMIT,
    )
    return [run_id, *[grandchild for child in children for grandchild in _with_subflows(client, child.id)]]


def task_runs(state: State) -> list[TaskRun]:
    """Every task run of the flow run and of its subflows, at any depth."""
    with get_client(sync_client=True) as client:
        ids = _with_subflows(client, flow_run_id(state))
        return client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=ids)), sort=TaskRunSort.ID_DESC, limit=LIMIT
        )


def artifacts(state: State) -> list[str]:
    """The text of every artifact the flow run published (Prefect stores link artifacts as markdown too)."""
    # Raw API call: this client version sends `null` for the unused flow/task-run filters, which the server refuses.
    body = {"artifacts": {"flow_run_id": {"any_": [str(flow_run_id(state))]}}, "limit": LIMIT, "offset": 0, "sort": "ID_DESC"}
    with get_client(sync_client=True) as client:
        found = client.request("POST", "/artifacts/filter", json=body).json()
    run = str(flow_run_id(state))
    return [a["data"] for a in found if a["flow_run_id"] == run]
