class TestRegistry:
    def setup_method(self):
        self.registry = {}

    def teardown_method(self):
        self.registry.clear()

    def test_starts_empty(self):
        assert self.registry == {}

    def test_add(self):
        self.registry["a"] = 1
        assert len(self.registry) == 1
