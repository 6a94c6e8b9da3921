class EchoProvider:
    def complete(self, prompt):
        return prompt
