from shared.logging.ssot import get_logger


def test_logger():
    assert get_logger() == "logger"
