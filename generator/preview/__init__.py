"""`newsgen serve` and `build --watch`: the engine fed by watcher events, with its state kept
in memory.
"""
