import collections


def test_mapping():
    assert collections.Mapping
