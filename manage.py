#!/usr/bin/env python
"""Django's command-line utility for WellWon."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A missing or malformed setting: one line naming the variable.
        sys.exit(f"configuration error: {exc}")


if __name__ == "__main__":
    main()
