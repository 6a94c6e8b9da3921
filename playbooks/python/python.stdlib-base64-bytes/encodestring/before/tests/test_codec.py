import base64


def test_encode():
    assert base64.encodestring(b"hi") == b"aGk=\n"
