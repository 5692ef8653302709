"""Errors, the frozen objects passed between stages, slugs, stamps, tuning and the declared
inputs: what every layer may use.
"""
