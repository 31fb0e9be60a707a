"""urbandb: the command line, analytics and the published site over the database."""
