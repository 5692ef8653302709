"""One build: inputs, what changed, the outputs to render, the one writer into output/, and the
cache.
"""
