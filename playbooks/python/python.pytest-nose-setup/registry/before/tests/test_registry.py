class TestRegistry:
    def setup(self):
        self.registry = {}

    def teardown(self):
        self.registry.clear()

    def test_starts_empty(self):
        assert self.registry == {}

    def test_add(self):
        self.registry["a"] = 1
        assert len(self.registry) == 1
