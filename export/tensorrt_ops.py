"""Which ONNX operators TensorRT's ONNX parser can build, checked without TensorRT installed.

TensorRT cannot be installed on machines without NVIDIA's own package index, yet an export made there must
still build on a GPU server later; so the support matrix is kept here as data. Source: onnx/onnx-tensorrt,
docs/operators.md ("Operator Support Matrix", TensorRT 8.5, opsets up to 17; the TensorRT 10 matrix is a
superset of these rows), and the data-type notes above the TensorRT 10 matrix. Only rows marked "Y" are
listed; the restrictions that an exported student can hit are checked in `tensorrt_problems`. This is a check
against the published matrix, not a build: only a machine with TensorRT and a GPU builds the engine.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

TENSORRT_ONNX_OPS = frozenset(
    """
    Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization Cast Ceil Celu
    Clip Concat Constant ConstantOfShape Conv ConvTranspose Cos Cosh CumSum DepthToSpace DequantizeLinear Div
    Dropout Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor Gather GatherElements GatherND Gemm
    GlobalAveragePool GlobalLpPool GlobalMaxPool Greater GreaterOrEqual GridSample GRU HardSwish HardSigmoid
    Identity If ImageScaler InstanceNormalization IsNaN LeakyRelu Less LessOrEqual Log LogSoftmax Loop LRN LSTM
    LpNormalization LpPool MatMul Max MaxPool Mean MeanVarianceNormalization Min Mod Mul Neg NonMaxSuppression
    NonZero Not OneHot Or Pad ParametricSoftplus Pow PRelu QuantizeLinear RandomNormal RandomNormalLike
    RandomUniform RandomUniformLike Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax
    ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence RNN RoiAlign
    Round ScaledTanh Scan Scatter ScatterElements ScatterND Selu Shape Shrink Sigmoid Sign Sin Sinh Size Slice
    Softmax Softplus Softsign SpaceToDepth Split Sqrt Squeeze Sub Sum Tan Tanh ThresholdedRelu Tile TopK
    Transpose Trilu Unsqueeze Upsample Where Xor
    """.split()
)
# operators.md, Resize row: the coordinate transformations and modes TensorRT implements.
RESIZE_COORDINATE_MODES = frozenset(
    {"half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn", "asymmetric", "align_corners"}
)
RESIZE_MODES = frozenset({"nearest", "linear"})
# operators.md, QuantizeLinear / DequantizeLinear rows: the zero point must be 0 (symmetric INT8), and INT8 is
# TensorRT's only 8-bit quantized type, so the zero point (which sets the quantized type) must be INT8.
QDQ_OPS = frozenset({"QuantizeLinear", "DequantizeLinear"})
# The data types TensorRT 10 takes (DOUBLE is cast down to FLOAT; INT8, INT4 and FP8 only through quantization).
TENSORRT_TYPES = frozenset(
    {
        TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE, TensorProto.INT32,
        TensorProto.INT64, TensorProto.INT8, TensorProto.INT4, TensorProto.FLOAT8E4M3FN, TensorProto.UINT8,
        TensorProto.BOOL,
    }
)
EDGE_ONLY_TYPES = frozenset({TensorProto.UINT8})  # "UINT8 is only supported as network input or output"


class TensorRTUnsupportedError(ValueError):
    """The graph holds an operator (or an operator setting) TensorRT's ONNX parser cannot build."""


def tensorrt_problems(model: onnx.ModelProto) -> list[str]:
    """One line per node or tensor TensorRT would refuse (empty when the graph builds), named by node and op or
    by tensor and type."""
    initializers = {tensor.name: numpy_helper.to_array(tensor) for tensor in model.graph.initializer}
    problems = _type_problems(model)
    for node in model.graph.node:
        where = f"{node.name or node.output[0]} ({node.op_type})"
        if node.op_type not in TENSORRT_ONNX_OPS:
            problems.append(f"{where}: operator not in TensorRT's ONNX support matrix")
        elif node.op_type == "Resize":
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            coordinates = attributes.get("coordinate_transformation_mode", b"half_pixel").decode()
            mode = attributes.get("mode", b"nearest").decode()
            if coordinates not in RESIZE_COORDINATE_MODES or mode not in RESIZE_MODES:
                problems.append(f"{where}: mode {mode!r} with {coordinates!r} coordinates is not supported")
        elif node.op_type in QDQ_OPS and len(node.input) > 2:
            zero_point = initializers.get(node.input[2])
            if zero_point is None or zero_point.dtype != np.int8 or np.any(zero_point != 0):
                problems.append(f"{where}: zero point must be an INT8 constant 0 (symmetric INT8)")
    return problems


def _type_problems(model: onnx.ModelProto) -> list[str]:
    """Tensors whose element type TensorRT lacks, or has only at the network's inputs and outputs.

    ONNX's shape inference gives the types of the tensors between nodes, which the file need not record."""
    graph = onnx.shape_inference.infer_shapes(model).graph
    edges = {value.name for value in (*graph.input, *graph.output)}
    types = {tensor.name: tensor.data_type for tensor in graph.initializer}
    for value in (*graph.input, *graph.value_info, *graph.output):
        if value.type.HasField("tensor_type") and value.type.tensor_type.elem_type != TensorProto.UNDEFINED:
            types[value.name] = value.type.tensor_type.elem_type
    problems = []
    for name, elem_type in types.items():
        if elem_type not in TENSORRT_TYPES:
            problems.append(f"tensor {name}: type {TensorProto.DataType.Name(elem_type)} is not a TensorRT type")
        elif elem_type in EDGE_ONLY_TYPES and name not in edges:
            type_name = TensorProto.DataType.Name(elem_type)
            problems.append(f"tensor {name}: {type_name} only at the network's inputs and outputs")
    return problems


def check_tensorrt_buildable(model: onnx.ModelProto, name: str) -> None:
    """Raise naming `name` and the first offending nodes when TensorRT could not build this graph."""
    problems = tensorrt_problems(model)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise TensorRTUnsupportedError(f"{name}: TensorRT cannot build this graph: {shown}")
