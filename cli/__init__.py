"""The `celflow` command line, the top floor: `app` registers one module per command from `celflow.cli.commands`."""

from celflow.cli.app import app, main

__all__ = ["app", "main"]
