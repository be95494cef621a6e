"""Stepwise: school attendance response and escalation.

Its parts import one way, down these layers: a module imports only from its own layer
or below, and never so that parts of one layer import each other in a loop
(tests/rules/test_layers.py enforces both). So every change has one obvious home: a
helper two layers share belongs in the lower one.
"""

LAYERS: tuple[tuple[str, ...], ...] = (
    ("rules",),  # the pure core: packs, calendar, engine, explanations; no Django
    ("web", "documents", "ops", "progress"),  # shared helpers: rules and Django only
    ("accounts", "schools", "audit"),
    ("register",),
    ("standings",),
    ("responses",),
    ("referrals",),
    ("cases",),
    ("letters",),
    ("certificates",),
    ("intake",),
    ("readiness",),
    ("front", "dashboard", "privacy", "api", "onboarding"),
    ("demo",),
    ("cli", "settings", "urls", "wsgi"),  # the project's wiring
)
