"""The site model: published articles, sections, listings and pages, tags, reporters, related
lists and URLs; pure functions of the sources.
"""
