"""A school's letters about a student, to the caregivers it records."""
