"""urbandb's Datasette plugins, registered by `urbandb.site.make_datasette`.

They are ordinary modules (not loaded from a plugins folder by path), so they
can be imported and tested like the rest of the package. Every hook acts on
the `urbandb` database only.
"""
from __future__ import annotations

from urbandb.site.plugins import errors, facets, pages, readonly, search

PLUGINS = (readonly, search, facets, pages, errors)
