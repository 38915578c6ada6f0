"""``assistant serve``: the assistant over HTTP — an OpenAI-compatible chat endpoint and
the browser app on one server."""
