"""Caching as one idea: one number, the directory's version, that moves whenever anything public
may have changed (versioning.py); what each process keeps for one version (memo.py); and whole
pages in the shared cache under that version, with conditional requests (pages.py)."""
