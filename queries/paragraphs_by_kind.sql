-- Paragraphs per kind: how the articles are built (body, headings, infoboxes, boilerplate …).
--
-- Answers: how much of the text is article body, and how much is structure or page chrome.
-- Parameters: none.
-- Columns: kind, paragraphs, documents (with at least one such paragraph), characters,
--   avg_characters, share_of_characters (percent of all paragraph text).
-- Example: urbandb query paragraphs_by_kind
with paragraph_sizes as (
    select document_id, kind, length(text) as characters
    from paragraphs
),

totals as (
    select sum(characters) as all_characters
    from paragraph_sizes
)

select
    kind,
    count(*) as paragraphs,
    count(distinct document_id) as documents,
    sum(characters) as characters,
    round(avg(characters), 1) as avg_characters,
    round(100.0 * sum(characters) / any_value(totals.all_characters), 2) as share_of_characters
from paragraph_sizes, totals
group by kind
order by paragraphs desc
