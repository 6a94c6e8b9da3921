"""A WebSocket test client that talks to the chat router in process."""
from app.chat import ChatRouter


class WebSocketTestClient:
    """Sends chat messages and collects the events the server answers with."""

    def __init__(self, router: ChatRouter, user_id: str):
        self.router = router
        self.session_id = router.open_session(user_id)
        self.received = []

    def send_and_wait(self, text: str, expect: str = "agent_completed", timeout: float = 1.0) -> dict:
        """Send a message and return the first event of type `expect`."""
        events = self.router.route(self.session_id, text)
        self.received.extend(events)
        for event in events:
            if event["type"] == expect:
                return event
        raise TimeoutError(f"no {expect} event within {timeout}s")

    def close(self) -> None:
        self.router.sessions.pop(self.session_id, None)
