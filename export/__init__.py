"""Ship the student: ONNX export with parity and TensorRT operator checks, INT8/FP16 variants, runtime backends, benchmarks."""
