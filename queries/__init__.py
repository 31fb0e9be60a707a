"""The analytics reports: one `.sql` file each, run by DuckDB (`urbandb query`)."""
