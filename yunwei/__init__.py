"""Yunwei — O&M service management platform for a provincial tax bureau."""

__version__ = "0.1.0"
