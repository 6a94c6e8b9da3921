"""The product under test: a tiny chat service."""
