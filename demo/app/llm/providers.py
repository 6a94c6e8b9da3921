"""LLM providers (moved here from app/llm_providers.py)."""


class EchoProvider:
    """A provider that answers with the prompt, for tests."""

    def complete(self, prompt: str) -> str:
        return prompt
