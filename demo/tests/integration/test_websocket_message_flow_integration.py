"""WebSocket message flow: every message reaches an agent and comes back."""
from app.chat import ChatRouter
from tests.helpers.ws import WebSocketTestClient


def make_client(user_id="ada"):
    return WebSocketTestClient(ChatRouter(), user_id)


def test_message_gets_a_reply():
    client = make_client()
    event = client.send_message_and_wait("hello")
    assert event["reply"] == "HELLO"


def test_reply_belongs_to_the_session():
    client = make_client("grace")
    event = client.send_message_and_wait("hi", expect="agent_completed")
    assert event["session"] == client.session_id


def test_agent_started_event_is_delivered():
    client = make_client()
    event = client.send_message_and_wait("ping", expect="agent_started")
    assert event["type"] == "agent_started"


class TestConcurrentUsers:
    def test_users_are_isolated(self):
        router = ChatRouter()
        first = WebSocketTestClient(router, "u1")
        second = WebSocketTestClient(router, "u2")
        a = first.send_message_and_wait("one")
        b = second.send_message_and_wait("two")
        assert a["session"] != b["session"]

    def test_closed_client_cannot_send(self):
        client = make_client()
        client.close()
        try:
            client.send_message_and_wait("late")
        except KeyError:
            return
        raise AssertionError("a closed session accepted a message")
