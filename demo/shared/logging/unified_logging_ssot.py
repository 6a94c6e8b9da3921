"""The one logging entry point (single source of truth)."""
import logging


def get_logger(name: str = "app") -> logging.Logger:
    return logging.getLogger(name)
