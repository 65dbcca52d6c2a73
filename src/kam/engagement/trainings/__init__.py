"""Trainings and education of the customer's people (DOMAIN §9, S2 step 7)."""
