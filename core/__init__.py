"""The ground floor every stage stands on: records, character packs, defaults, atomic writes, image files.

Nothing here imports torch, onnxruntime, mediapipe or Prefect, so any stage, the CLI and tests can use it cheaply.
"""
