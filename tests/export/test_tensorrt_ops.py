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


def one_node_model(
    op_type: str, inputs: list[str], initializers: list[onnx.TensorProto] = (), output_type: int = TensorProto.FLOAT, **attributes
) -> onnx.ModelProto:
    node = helper.make_node(op_type, inputs, ["y"], name=f"my_{op_type.lower()}", **attributes)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", output_type, None)],
        initializer=list(initializers),
    )
    return helper.make_model(graph)


def cast_then_relu(to: int) -> onnx.ModelProto:
    """x → Cast(to) → Relu → y: the cast's result is a tensor inside the network."""
    nodes = [helper.make_node("Cast", ["x"], ["cast"], name="my_cast", to=to), helper.make_node("Relu", ["cast"], ["y"])]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", to, None)],
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


def quantize_model(zero_point: np.ndarray) -> onnx.ModelProto:
    scale = numpy_helper.from_array(np.array(0.01, np.float32), "scale")
    zero = numpy_helper.from_array(zero_point, "zero")
    quantized_type = helper.np_dtype_to_tensor_dtype(zero_point.dtype)
    return one_node_model("QuantizeLinear", ["x", "scale", "zero"], [scale, zero], output_type=quantized_type)


@pytest.mark.parametrize(("zero_point", "problems"), [(0, 0), (5, 1)])
def test_int8_needs_zero_points_of_zero(zero_point: int, problems: int) -> None:
    assert len(tensorrt_problems(quantize_model(np.array(zero_point, np.int8)))) == problems


@pytest.mark.parametrize("to", [TensorProto.STRING, TensorProto.COMPLEX64, TensorProto.UINT16], ids=["string", "complex64", "uint16"])
def test_a_tensor_type_tensorrt_lacks_is_named(to: int) -> None:
    type_name = TensorProto.DataType.Name(to)

    assert f"tensor cast: type {type_name} is not a TensorRT type" in tensorrt_problems(cast_then_relu(to))


def test_uint8_is_refused_inside_the_network_and_taken_at_its_edges() -> None:
    assert "tensor cast: UINT8 only at the network's inputs and outputs" in tensorrt_problems(cast_then_relu(TensorProto.UINT8))
    assert tensorrt_problems(one_node_model("Cast", ["x"], output_type=TensorProto.UINT8, to=TensorProto.UINT8)) == []


def test_a_uint8_zero_point_is_refused_even_at_zero() -> None:
    """TensorRT quantizes to INT8 only: the zero point's type is the quantized type."""
    problems = tensorrt_problems(quantize_model(np.array(0, np.uint8)))

    assert "my_quantizelinear (QuantizeLinear): zero point must be an INT8 constant 0 (symmetric INT8)" in problems


def test_every_file_export_writes_for_tensorrt_passes_the_check(exported: ExportReport, fixed_export: ExportReport) -> None:
    for report in (exported, fixed_export):
        assert tensorrt_problems(onnx.load(str(report.onnx_path))) == []


def test_export_refuses_a_graph_tensorrt_cannot_build_and_writes_nothing(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend this TensorRT lacked Resize: the student's upsampling must then stop the export.
    monkeypatch.setattr(tensorrt_ops, "TENSORRT_ONNX_OPS", tensorrt_ops.TENSORRT_ONNX_OPS - {"Resize"})

    with pytest.raises(TensorRTUnsupportedError, match=r"student\.onnx: TensorRT cannot build this graph: .*Resize"):
        export_onnx(model_dir, tmp_path / "student.onnx")
    assert list(tmp_path.iterdir()) == []
