"""Thin views: parse and check input, call a service or selector, serialise."""
