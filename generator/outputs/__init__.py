"""The site's files: page plans and their keys, feeds, sitemaps, the search index's postings,
redirects.
"""
