"""Synthetic demo data: invented schools, students, caregivers and registers."""
