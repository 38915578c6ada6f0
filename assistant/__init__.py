"""A question-answering assistant over your own documents, with citations."""

from assistant.api import Assistant
from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.types import Answer, Citation, Passage

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Passage", "Settings"]
