import collections


def test_mapping():
    assert isinstance({}, collections.Mapping)
    assert collections.OrderedDict is not None
