-- Metric conflicts: the same subject given different values for one figure in different articles.
--
-- Answers: where articles disagree on a figure: the same subject and label with different
--   values ('same label'), or the same subject and unit
--   with values that are one figure rounded differently ('near value': 47.3万 vs 47万平方米,
--   the precise value rounds to the other at the other's last written digit). Bounds (超,
--   以上, 不少于 …) and ranges are no figure to compare.
-- Parameters: $min_difference (default 0.005): the smallest relative difference that counts
--   as a disagreement for 'same label' pairs.
-- Columns: subject, kind ('same label' or 'near value'), label_a, surface_a, document_a, label_b,
--   surface_b, document_b, unit_normalized, relative_difference.
-- Example: urbandb query metric_conflicts --param min_difference=0.005
with subject_metrics as (
    select e.name as subject, m.label, m.unit_normalized, m.value_normalized, m.surface, m.document_id,
        -- half a unit of the last digit written (47万 -> 5000, 47.3万 -> 500), in the base unit
        0.5 * (m.value_normalized / m.value)
            * pow(10, -coalesce(length(regexp_extract(m.surface, '[0-9]\.([0-9]+)', 1)), 0)) as half_digit
    from metrics m
    join entities e on e.id = m.subject_id
    where m.value <> 0 and m.value_normalized <> 0 and m.qualifier in ('exact', 'approx')
),

pairs as (
    select a.subject, a.unit_normalized,
        a.label as label_a, a.surface as surface_a, a.document_id as document_a,
        b.label as label_b, b.surface as surface_b, b.document_id as document_b,
        abs(a.value_normalized - b.value_normalized)
            / greatest(abs(a.value_normalized), abs(b.value_normalized)) as difference,
        coalesce(a.label = b.label, false) as same_label,
        abs(a.value_normalized - b.value_normalized) <= greatest(a.half_digit, b.half_digit) as rounded
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
where (same_label and difference >= $min_difference) or rounded
order by subject, relative_difference
