"""The messaging app's HTTP API (Django REST framework)."""
