"""LLM providers answer prompts."""
from app.llm_providers import EchoProvider


def test_echo_provider_repeats_the_prompt():
    assert EchoProvider().complete("ping") == "ping"


def test_echo_provider_handles_empty_prompts():
    assert EchoProvider().complete("") == ""
