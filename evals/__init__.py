"""Evaluation suites: load question sets, run them through the assistant, score and report."""
