"""The forms of the objectives app, one module per area of the interface."""
