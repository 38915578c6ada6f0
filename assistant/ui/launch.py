"""Serve the app under uvicorn, the way ``assistant serve`` mounts its own.

``Blocks.launch`` gives up when its uvicorn thread has not started within 5 s, or
when its first request to itself gets no answer within 3 s (``networking.url_ok``);
on a busy laptop either ends the app with exit status 1 after it has indexed
everything. Mounting the Blocks on a FastAPI app and running uvicorn in the main
thread has no such deadlines. ``--share`` still goes through ``launch``, which
alone opens Gradio's tunnel.
"""

from __future__ import annotations

# A browser tab holds a stream open; on Ctrl+C or SIGTERM it is cut after this long
# rather than waited for.
GRACE_S = 5


def serve(demo, *, host: str, port: int, auth: tuple[str, str] | None, css: str, share: bool = False) -> None:
    """Serve ``demo`` (already queued) on ``host:port`` until interrupted."""
    if share:
        demo.launch(server_name=host, server_port=port, share=True, auth=auth, css=css, allowed_paths=[],
                    show_error=True)
        return
    import uvicorn
    from fastapi import FastAPI

    app = mounted(FastAPI(docs_url=None, redoc_url=None, openapi_url=None), demo, auth=auth, css=css,
                  allowed_paths=[], show_error=True)
    print(f"* Running on local URL:  http://{host}:{port}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=GRACE_S)


def mounted(app, demo, **options):
    """``app`` with ``demo`` mounted at ``/`` (``gr.mount_gradio_app``'s ``options``)."""
    import gradio as gr

    app = gr.mount_gradio_app(app, demo, path="/", **options)
    # Gradio refuses files that its upload route did not store only for launched apps
    # (``processing_utils._check_allowed`` tests ``has_launched``); a mounted app is served
    # just the same, so it must be checked the same.
    demo.has_launched = True
    return app
