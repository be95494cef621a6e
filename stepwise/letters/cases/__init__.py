"""A case's letters: the service's escalating letters to each caregiver on the case."""
