import inspect


def handler(request, retries=3, *extra, **options):
    return request


def test_handler_takes_a_request():
    spec = inspect.getargspec(handler)  # removed in Python 3.11
    assert spec.args[0] == "request"
    assert spec.defaults == (3,)
