"""Bundled SignLLM checkpoints and their manifest (written by `python -m training.bundle`)."""
