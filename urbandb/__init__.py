"""urbandb: the command line, analytics and the published site over the database."""
from urbandb import compiled

# Before any extraction module is imported: their compiled builds, where current.
compiled.install()
