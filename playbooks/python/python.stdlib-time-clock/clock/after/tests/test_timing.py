import time


def test_clock():
    start = time.perf_counter()
    assert time.perf_counter() >= start
