"""An ``Assistant`` from command-line options: the one place the CLI and the
evaluation runner turn flags into settings."""

from __future__ import annotations

import argparse

LLM_FLAGS = {
    "base_url": "llm_base_url", "model": "llm_model", "api_key_env": "llm_api_key_env", "timeout": "llm_timeout",
    "context_tokens": "llm_context_tokens", "fallback": "llm_fallback",
}


def llm_options(args: argparse.Namespace) -> dict:
    """The answerer's own options among the flags that were given."""
    values = {option: getattr(args, flag, None) for option, flag in LLM_FLAGS.items()}
    return {option: value for option, value in values.items() if value is not None}


def from_args(args: argparse.Namespace):
    from assistant.api import Assistant

    return Assistant(
        collection=args.collection,
        store=args.store,
        llm=getattr(args, "llm", None),
        llm_options=llm_options(args),
        chroma_host=args.chroma_host,
        chroma_port=args.chroma_port,
        k=getattr(args, "k", None),
        hybrid=False if getattr(args, "no_hybrid", False) else None,
        history_mode=getattr(args, "history_mode", None),
    )
