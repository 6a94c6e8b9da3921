from pkg.api import connect
from pkg.models import Thing


def test_thing():
    assert connect() and Thing()
