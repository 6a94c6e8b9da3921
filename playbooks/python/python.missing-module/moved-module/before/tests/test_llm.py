from app.llm_providers import EchoProvider  # moved in 2.0


def test_echo():
    assert EchoProvider().complete("hi") == "hi"
