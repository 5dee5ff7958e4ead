"""The WellWon Django project: settings, URLs, health probes and metrics."""
