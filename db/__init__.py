"""The relational schema of urbandb and the way to reach it (engine, URL, migrations)."""
