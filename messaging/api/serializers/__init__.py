"""Serializers of the API, input and output kept apart per endpoint (one module per area)."""
