from pkg.api import connect
from pkg.api import Thing


def test_thing():
    assert connect() and Thing()
