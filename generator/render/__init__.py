"""Markdown, the Jinja environment and its filters, structured data, static assets and lead-
image variants.
"""
