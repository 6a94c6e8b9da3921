from collections import OrderedDict, Mapping


def test_mapping():
    assert isinstance(OrderedDict(), Mapping)
