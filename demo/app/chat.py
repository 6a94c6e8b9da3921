"""Message routing for the chat service."""


class ChatRouter:
    """Routes a user's message to an agent and returns the agent's events."""

    def __init__(self):
        self.sessions = {}

    def open_session(self, user_id: str) -> str:
        session_id = f"session-{user_id}"
        self.sessions[session_id] = user_id
        return session_id

    def route(self, session_id: str, text: str) -> list:
        if session_id not in self.sessions:
            raise KeyError(session_id)
        return [
            {"type": "agent_started", "session": session_id},
            {"type": "agent_completed", "session": session_id, "reply": text.upper()},
        ]
