"""Sessions survive a reconnect. Skipped when the session manager cannot be imported."""
import pytest

try:
    from auth_service.auth_core.core.session_manager import SessionManager
    SYSTEM_AVAILABLE = True
except ImportError:
    SYSTEM_AVAILABLE = False


@pytest.mark.skipif(not SYSTEM_AVAILABLE, reason="Complete system not available")
def test_session_survives_reconnect():
    manager = SessionManager()
    session = manager.open("ada")
    assert manager.reconnect(session) == session


@pytest.mark.skipif(not SYSTEM_AVAILABLE, reason="Complete system not available")
def test_sessions_are_isolated():
    manager = SessionManager()
    assert manager.open("ada") != manager.open("grace")
