class AccountHelper:
    """Makes accounts for tests."""

    def create_user_with_session(self, name, *, admin=False):
        return {"name": name, "admin": admin}
