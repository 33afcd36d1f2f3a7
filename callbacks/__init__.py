"""Callbacks floor: URL state and one module per dashboard feature."""
