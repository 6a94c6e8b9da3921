def connect():
    return True
