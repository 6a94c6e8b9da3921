class AccountHelper:
    """Makes accounts for tests."""

    def create_user_with_session(self, name, *, admin=False):
        return {"name": name, "admin": admin}

    def create_user_with_token(self, name, *, admin=False):
        """Compatibility alias of `create_user_with_session`, kept for callers of `create_user_with_token` (added by Remedy)."""
        return self.create_user_with_session(name, admin=admin)
