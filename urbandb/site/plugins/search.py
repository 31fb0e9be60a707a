"""`?_search=` on the paragraphs table, in Chinese (see `urbandb.site.search`)."""
from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from urbandb.site import DATABASE_NAME
from urbandb.site.search import SearchTooLarge, paragraph_search_conditions, search_terms

SEARCHABLE_TABLE = "paragraphs"


# trylast: Datasette's own search filter runs before this one and finds no FTS
# table for paragraphs (on purpose), so it reports supports_search=False; this
# hook's context is applied after it and turns the search box back on.
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    if database != DATABASE_NAME or table != SEARCHABLE_TABLE:
        return None
    query = request.args.get("_search", "")
    try:
        terms = search_terms(query)
    except SearchTooLarge as error:
        raise BadRequest(str(error)) from error
    context = {"supports_search": True, "search": query}
    if not terms:
        return FilterArguments([], extra_context=context)
    conditions, params = paragraph_search_conditions(terms)
    description = "全文包含 " + " 且 ".join(f"“{term}”" for term in terms)
    return FilterArguments(conditions, params, [description], context)
