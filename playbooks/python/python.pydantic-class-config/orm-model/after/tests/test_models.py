from app.models import User


def test_user_is_frozen():
    user = User(name="ada")
    assert user.name == "ada"
