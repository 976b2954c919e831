"""Rendering: plan steps and changes to SQL (ddl*), text and Markdown.

A regular package (not a namespace one) so that the import contract in pyproject.toml sees it.
"""
