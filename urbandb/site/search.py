"""Chinese full-text search over paragraphs, as SQL conditions.

`fts_paragraphs` is an FTS5 table with the `trigram` tokenizer (built into
SQLite, so DuckDB can still attach the file). A trigram index finds any
substring of three characters or more, but nothing shorter, and in a query of
several terms it silently drops the short ones. So each term of the query is
handled on its own and the conditions are ANDed:

- a term of three characters or more: a phrase query on the trigram index;
- a shorter term (most two-character Chinese words: 昌平, 用地, 园区): a
  substring test on `paragraphs.text` (a scan, fast at this size; a `LIKE`
  through the trigram table finds nothing for two non-ASCII characters in
  SQLite 3.40, so the scan runs on the content table);
- boilerplate paragraphs are never searched (the loader does not index them,
  and the scan leaves them out explicitly).

See `docs/search.md` for the measured behaviour and the limits.
"""
from __future__ import annotations

MIN_TRIGRAM_TERM = 3
"""Terms with at least this many characters go through the trigram index."""

UNSEARCHED_KINDS = ("boilerplate",)

MAX_TERMS = 10
MAX_QUERY_CHARS = 200
"""A longer query is refused (400) rather than compiled into a huge statement."""


class SearchTooLarge(ValueError):
    """A query with more terms or characters than the site searches for."""


def search_terms(query: str | None) -> list[str]:
    """The distinct whitespace-separated terms of a query (full-width spaces
    too); SearchTooLarge when there are more than MAX_TERMS or the query is
    longer than MAX_QUERY_CHARS."""
    if len(query or "") > MAX_QUERY_CHARS:
        raise SearchTooLarge(f"搜索词太长：最多 {MAX_QUERY_CHARS} 个字符")
    terms: list[str] = []
    for term in (query or "").split():
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise SearchTooLarge(f"搜索词太多：最多 {MAX_TERMS} 个")
    return terms


def fts_phrase(term: str) -> str:
    """An FTS5 string literal matching `term` as a phrase (a substring, with trigrams)."""
    return '"' + term.replace('"', '""') + '"'


def paragraph_search_conditions(
    terms: list[str], alias: str = "paragraphs", param_prefix: str = "urbandb_search"
) -> tuple[list[str], dict[str, str]]:
    """SQL conditions on the paragraphs table (named `alias`) that keep the
    paragraphs containing every term, and their parameters.

    With no terms the list is empty: the caller decides what an empty search means.
    """
    conditions: list[str] = []
    params: dict[str, str] = {}
    if not terms:
        return conditions, params
    for index, term in enumerate(terms):
        name = f"{param_prefix}_{index}"
        if len(term) >= MIN_TRIGRAM_TERM:
            conditions.append(
                f"{alias}.id in (select rowid from fts_paragraphs where fts_paragraphs match :{name})"
            )
            params[name] = fts_phrase(term)
        else:
            # lower() on both sides: the trigram index folds ASCII case, so does this.
            conditions.append(f"instr(lower({alias}.text), lower(:{name})) > 0")
            params[name] = term
    kinds = ", ".join(f"'{kind}'" for kind in UNSEARCHED_KINDS)
    conditions.append(f"{alias}.kind not in ({kinds})")
    return conditions, params
