def generate_elections(root, seed, progress=print):
    """Fills this app's part of the demo county (or city) under ``root``."""
