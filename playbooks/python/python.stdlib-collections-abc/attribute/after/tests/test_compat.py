import collections
import collections.abc


def test_mapping():
    assert isinstance({}, collections.abc.Mapping)
    assert collections.OrderedDict is not None
