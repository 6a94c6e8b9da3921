from collections import OrderedDict
from collections.abc import Mapping


def test_mapping():
    assert isinstance(OrderedDict(), Mapping)
