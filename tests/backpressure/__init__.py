"""A Django project for the backpressure test: one daphne process serving one app."""
