import fractions


def test_gcd():
    assert fractions.gcd(4, 6) == 2
