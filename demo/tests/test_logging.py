from shared.logging.unified_logger_factory import get_logger


def test_logger_has_the_app_name():
    assert get_logger().name == "app"
