"""Hourglass: one GraphQL API over every time tracker a company uses."""

__version__ = "0.1.0"
