"""Ship the student: ONNX export with parity checks, and runtime backends."""
