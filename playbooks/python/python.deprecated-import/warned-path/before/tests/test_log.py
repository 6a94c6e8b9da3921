from shared.logging.factory import get_logger


def test_logger():
    assert get_logger() == "logger"
