import time


def test_clock():
    start = time.clock()
    assert time.clock() >= start
