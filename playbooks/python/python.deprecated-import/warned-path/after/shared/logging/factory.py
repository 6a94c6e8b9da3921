import warnings

from shared.logging.ssot import get_logger  # noqa: F401

warnings.warn("shared.logging.factory is deprecated; use shared.logging.ssot", DeprecationWarning, stacklevel=2)
