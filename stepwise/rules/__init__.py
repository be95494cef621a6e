"""The pure core of Stepwise: rule packs, school calendars and the register engine.

Nothing in this package may import Django or touch a database: it takes plain
values and NumPy arrays and returns plain values (a test enforces this).
"""
