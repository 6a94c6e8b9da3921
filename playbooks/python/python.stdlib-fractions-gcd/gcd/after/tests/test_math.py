import fractions
import math


def test_gcd():
    assert math.gcd(4, 6) == 2
