"""Open data in Open Referral UK (HSDS 3.0 UK profile; DESIGN.md §9): the feed at /api/oruk/,
the importer and the export, and the taxonomies they share (vocabulary.py)."""
