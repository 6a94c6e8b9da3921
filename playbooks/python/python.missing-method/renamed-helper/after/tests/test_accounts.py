from tests.helpers import AccountHelper


def test_create_user():
    assert AccountHelper().create_user_with_token("ada")["name"] == "ada"


def test_create_admin():
    assert AccountHelper().create_user_with_token("root", admin=True)["admin"]
