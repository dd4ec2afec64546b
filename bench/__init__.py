"""The benchmark behind `make bench`; see bench/run.py and docs/performance.md; a Django app for
its two commands (apps.py)."""
