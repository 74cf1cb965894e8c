"""A Django project for the multi-worker test: two daphne processes, one Redis."""
