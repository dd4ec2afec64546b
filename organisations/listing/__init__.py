"""The list and search engine (DESIGN.md §4), from the query string to the SQL:

- filters.py: the FilterSet that parses and validates the list's parameters into one request;
- request.py: that ``ListRequest``, with a ``Condition`` per facet chosen, read once per link;
- finders.py: the two finders that answer it, chosen in one place (``finder_for``);
- sql.py: the listing table's statements; models.py: its tables, as Django sees them;
- search.py: words, stems and misspellings; pagination.py: pages that count only what they need;
- fragments.py: cards and filter forms rendered once per version of the directory.
"""
