"""The supervisor agent (moved here from app/agents/supervisor_agent_modern.py)."""


class SupervisorAgent:
    """Plans a reply by delegating to sub-agents."""

    def __init__(self, name: str = "supervisor"):
        self.name = name

    def plan(self, request: str) -> list:
        return [f"analyse: {request}", f"answer: {request}"]
