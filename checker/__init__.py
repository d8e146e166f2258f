"""store-checker: audit an online shop before a promotion goes live."""

__version__ = "0.1.0"
