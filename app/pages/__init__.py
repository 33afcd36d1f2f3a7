"""Pages beside the main dashboard (each exposes a layout function)."""
