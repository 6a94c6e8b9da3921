"""End-to-end business logic: an authenticated user chats with an agent."""
import asyncio

from app.chat import ChatRouter
from tests.helpers.auth import E2EAuthHelper


class TestBusinessLogic:
    def setup_method(self):
        self.auth = E2EAuthHelper()

    def test_system_error_recovery_business_continuity(self):
        token = asyncio.run(self.auth.create_test_user_with_token("user-1"))
        assert token.startswith("tok-")
        headers = self.auth.get_auth_headers(token)
        assert headers["Authorization"] == f"Bearer {token}"

    def test_performance_scalability_business_requirements(self):
        tokens = [asyncio.run(self.auth.create_test_user_with_token(f"user-{i}")) for i in range(3)]
        assert len(set(tokens)) == 3
        assert all(t.startswith("tok-") for t in tokens)


def test_authenticated_chat_round_trip():
    auth = E2EAuthHelper()
    token = asyncio.run(auth.create_test_user_with_token("carol"))
    session = asyncio.run(auth.create_test_session(token))
    assert session == "session-for-tok-carol"
    assert ChatRouter().route(ChatRouter().open_session("carol"), "x")
