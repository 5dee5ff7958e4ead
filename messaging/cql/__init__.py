"""The CQL tables' models as a Django app of their own (label ``cql``): see ``apps.py``."""
