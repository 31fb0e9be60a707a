-- Figures with names: each metric with its article (title, publication, date, source) and its subject entity.
-- Written by `urbandb export` as figures_named.<format>, next to the bare tables. No parameters.
-- Columns: metric_id, surface, value_normalized, unit_normalized, dimension, qualifier, label, as_of_year,
-- subject (as written), subject_id, subject_name, subject_type, document_id, title, publication, published_date,
-- source_path, paragraph_seq.
select
    m.id as metric_id,
    m.surface,
    m.value_normalized,
    m.unit_normalized,
    m.dimension,
    m.qualifier,
    m.label,
    m.as_of_year,
    m.subject,
    m.subject_id,
    s.name as subject_name,
    s.type as subject_type,
    d.id as document_id,
    d.title,
    d.publication,
    d.published_date,
    d.source_path,
    p.seq as paragraph_seq
from metrics as m
join documents as d on d.id = m.document_id
join paragraphs as p on p.id = m.paragraph_id
left join entities as s on s.id = m.subject_id
order by d.id, p.seq, m.char_start
