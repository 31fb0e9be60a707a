"""Alembic migrations, shipped inside the package so `urbandb init` works from a wheel."""
