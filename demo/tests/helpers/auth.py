"""Authentication helpers for end-to-end tests."""
import asyncio
from typing import Any, Dict, Optional


class E2EAuthHelper:
    """Creates test users and the tokens that authenticate them."""

    def __init__(self, environment: str = "test"):
        self.environment = environment
        self._users: Dict[str, Dict[str, Any]] = {}

    async def create_test_user_with_auth(
        self,
        email: str,
        user_id: Optional[str] = None,
        permissions: Optional[list] = None,
    ) -> Dict[str, Any]:
        """Create a user and return its record, including a signed token."""
        await asyncio.sleep(0)
        user_id = user_id or email.split("@")[0]
        record = {
            "user_id": user_id,
            "email": email,
            "permissions": permissions or ["chat"],
            "token": f"tok-{user_id}",
        }
        self._users[user_id] = record
        return record

    async def create_test_session(self, token: str) -> str:
        """Open a session for a token."""
        await asyncio.sleep(0)
        return f"session-for-{token}"

    def get_auth_headers(self, token: str) -> Dict[str, str]:
        return {"Authorization": f"Bearer {token}"}
