"""For migrations that only mean something on PostgreSQL (search, the listing table)."""


def on_postgresql(sql):
    """A RunPython function that runs ``sql`` on PostgreSQL and does nothing on SQLite."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: "%" in PL/pgSQL stays as written

    return run
