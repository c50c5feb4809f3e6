"""The forms of the components, one module per area of the interface."""
