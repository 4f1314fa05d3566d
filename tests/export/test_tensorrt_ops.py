"""The TensorRT operator check: runs without TensorRT, passes the student, names what TensorRT would refuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from celflow.export import tensorrt_ops
from celflow.export.onnx_export import ExportReport, export_onnx
from celflow.export.tensorrt_ops import TensorRTUnsupportedError, check_tensorrt_buildable, tensorrt_problems


def one_node_model(op_type: str, inputs: list[str], initializers: list[onnx.TensorProto] = (), **attributes) -> onnx.ModelProto:
    node = helper.make_node(op_type, inputs, ["y"], name=f"my_{op_type.lower()}", **attributes)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=list(initializers),
    )
    return helper.make_model(graph)


def test_the_exported_student_builds_on_tensorrt(exported: ExportReport) -> None:
    assert tensorrt_problems(onnx.load(str(exported.onnx_path))) == []
    assert {"Conv", "Resize", "Concat", "Clip"} <= set(exported.operators)


def test_an_operator_outside_the_matrix_is_named() -> None:
    with pytest.raises(TensorRTUnsupportedError, match=r"model\.onnx: .*my_unique \(Unique\): operator not in"):
        check_tensorrt_buildable(one_node_model("Unique", ["x"]), "model.onnx")


def test_a_resize_mode_tensorrt_lacks_is_named() -> None:
    scales = numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")
    model = one_node_model("Resize", ["x", "", "scales"], [scales], mode="cubic")

    assert tensorrt_problems(model) == ["my_resize (Resize): mode 'cubic' with 'half_pixel' coordinates is not supported"]


@pytest.mark.parametrize(("zero_point", "problems"), [(0, 0), (128, 1)])
def test_int8_needs_zero_points_of_zero(zero_point: int, problems: int) -> None:
    scale = numpy_helper.from_array(np.array(0.01, np.float32), "scale")
    zero = numpy_helper.from_array(np.array(zero_point, np.uint8), "zero")

    assert len(tensorrt_problems(one_node_model("QuantizeLinear", ["x", "scale", "zero"], [scale, zero]))) == problems


def test_export_refuses_a_graph_tensorrt_cannot_build_and_writes_nothing(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend this TensorRT lacked Resize: the student's upsampling must then stop the export.
    monkeypatch.setattr(tensorrt_ops, "TENSORRT_ONNX_OPS", tensorrt_ops.TENSORRT_ONNX_OPS - {"Resize"})

    with pytest.raises(TensorRTUnsupportedError, match=r"student\.onnx: TensorRT cannot build this graph: .*Resize"):
        export_onnx(model_dir, tmp_path / "student.onnx")
    assert list(tmp_path.iterdir()) == []
