import base64


def test_encode():
    assert base64.encodebytes(b"hi") == b"aGk=\n"
