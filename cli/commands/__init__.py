"""One module per `celflow` command (or command group); `celflow.cli` registers them."""
