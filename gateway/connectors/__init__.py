"""Connectors: one package per vendor, behind the protocol in ``base``."""
