-- Metric conflicts: the same subject given different values for one figure in different articles.
--
-- Answers: where articles disagree on a figure: the same subject and label with different
--   values, or the same subject and unit with values so close they are one figure rounded
--   differently (47.3万 vs 47万平方米).
-- Parameters: $max_difference (default 0.05): the largest relative difference for two
--   differently labelled values to count as the same figure.
-- Columns: subject, kind ('same label' or 'near value'), label_a, surface_a, document_a, label_b,
--   surface_b, document_b, unit_normalized, relative_difference.
-- Example: urbandb query metric_conflicts --param max_difference=0.05
with subject_metrics as (
    select e.name as subject, m.label, m.unit_normalized, m.value_normalized, m.surface, m.document_id
    from metrics m
    join entities e on e.id = m.subject_id
    where m.value_normalized <> 0
),

pairs as (
    select a.subject, a.unit_normalized,
        a.label as label_a, a.surface as surface_a, a.document_id as document_a,
        b.label as label_b, b.surface as surface_b, b.document_id as document_b,
        abs(a.value_normalized - b.value_normalized)
            / greatest(abs(a.value_normalized), abs(b.value_normalized)) as difference,
        coalesce(a.label = b.label, false) as same_label
    from subject_metrics a
    join subject_metrics b
      on a.subject = b.subject and a.unit_normalized = b.unit_normalized
     and a.document_id < b.document_id and a.value_normalized <> b.value_normalized
)

select subject,
    case when same_label then 'same label' else 'near value' end as kind,
    label_a, surface_a, document_a, label_b, surface_b, document_b, unit_normalized,
    round(difference, 4) as relative_difference
from pairs
where same_label or difference <= $max_difference
order by subject, relative_difference
