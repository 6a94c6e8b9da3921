"""Deprecated: kept so old imports keep working while they are moved."""
import warnings

from shared.logging.unified_logging_ssot import get_logger  # noqa: F401

warnings.warn(
    "shared.logging.unified_logger_factory is deprecated; use shared.logging.unified_logging_ssot",
    DeprecationWarning,
    stacklevel=2,
)
