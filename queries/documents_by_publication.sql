-- Articles per publication: how many, how long, and the span of their dates.
--
-- Answers: which publications the database draws on, and how much of it each one wrote.
-- Parameters: $min_documents (default 1): leave out publications with fewer articles.
-- Columns: publication ('(unknown)' when the article does not say), documents, paragraphs,
--   characters, first_published, last_published.
-- Example: urbandb query documents_by_publication --param min_documents=1
with docs as (
    select id, coalesce(publication, '(unknown)') as publication, char_count, published_date
    from documents
),

paragraph_counts as (
    select document_id, count(*) as paragraphs
    from paragraphs
    group by document_id
)

select
    docs.publication,
    count(*) as documents,
    coalesce(sum(paragraph_counts.paragraphs), 0) as paragraphs,
    sum(docs.char_count) as characters,
    min(docs.published_date) as first_published,
    max(docs.published_date) as last_published
from docs
left join paragraph_counts on paragraph_counts.document_id = docs.id
group by docs.publication
having count(*) >= $min_documents
order by documents desc, docs.publication
