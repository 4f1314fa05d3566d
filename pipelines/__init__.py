"""Orchestrate the stages as Prefect flows (generate, train, export, convert, demo)."""
