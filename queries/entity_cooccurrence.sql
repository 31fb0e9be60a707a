-- Entity co-occurrence: pairs of entities named in the same paragraph, counted over the articles.
--
-- Answers: which places, organizations, projects and plans go together (who builds what, where).
-- Parameters: $min_paragraphs (default 2): leave out pairs seen in fewer paragraphs;
--   $type (default ''): keep pairs where one side is of this entity type ('' for all).
-- Columns: entity_a, type_a, entity_b, type_b, paragraphs, documents.
-- Example: urbandb query entity_cooccurrence --param min_paragraphs=2
with paragraph_entities as (
    select distinct em.paragraph_id, em.document_id, e.id as entity_id, e.name, e.type
    from entity_mentions em
    join entities e on e.id = em.entity_id
),

pairs as (
    select a.name as entity_a, a.type as type_a, b.name as entity_b, b.type as type_b,
        a.paragraph_id, a.document_id
    from paragraph_entities a
    join paragraph_entities b on a.paragraph_id = b.paragraph_id and a.entity_id < b.entity_id
    where $type = '' or a.type = $type or b.type = $type
)

select entity_a, type_a, entity_b, type_b,
    count(distinct paragraph_id) as paragraphs, count(distinct document_id) as documents
from pairs
group by entity_a, type_a, entity_b, type_b
having count(distinct paragraph_id) >= $min_paragraphs
order by paragraphs desc, documents desc, entity_a, entity_b
