"""Run the student live or offline on video."""
