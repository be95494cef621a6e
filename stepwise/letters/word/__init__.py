"""An organisation's own Word templates for its letters, filled inside hard limits."""
