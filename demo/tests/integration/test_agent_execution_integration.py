"""Agent execution: the supervisor plans every request. Skipped when the agent system cannot be imported."""
import pytest

try:
    from app.agents.supervisor_agent_modern import SupervisorAgent
    AGENT_SYSTEM_AVAILABLE = True
except ImportError:
    AGENT_SYSTEM_AVAILABLE = False

pytestmark = pytest.mark.skipif(not AGENT_SYSTEM_AVAILABLE, reason="WebSocket or Agent system not available")


def test_supervisor_plans_two_steps():
    assert len(SupervisorAgent().plan("hello")) == 2


def test_supervisor_analyses_first():
    assert SupervisorAgent().plan("x")[0] == "analyse: x"


def test_supervisor_has_a_name():
    assert SupervisorAgent("boss").name == "boss"
