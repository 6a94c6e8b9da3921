def get_logger():
    return "logger"
