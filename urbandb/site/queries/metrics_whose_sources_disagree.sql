-- 来源不一致的指标
-- 同一对象、同一量纲与单位、标签相同或互相包含的指标，在两篇不同文章中数值相差超过 0.5%（如一篇写 47.3万平方米、另一篇写 47万平方米）。
-- 列：subject_id、subject、label_a、value_a、surface_a、document_a、label_b、value_b、surface_b、document_b、unit_normalized、difference_percent。
with stated as (
    select
        metrics.id,
        metrics.subject_id,
        entities.name as subject,
        metrics.dimension,
        metrics.unit_normalized,
        metrics.label,
        metrics.value_normalized,
        metrics.surface,
        metrics.document_id
    from metrics
    join entities on entities.id = metrics.subject_id
    where metrics.label is not null and metrics.value_normalized is not null
),

pairs as (
    select
        a.subject_id,
        a.subject,
        a.label as label_a,
        a.value_normalized as value_a,
        a.surface as surface_a,
        a.document_id as document_a,
        b.label as label_b,
        b.value_normalized as value_b,
        b.surface as surface_b,
        b.document_id as document_b,
        a.unit_normalized
    from stated as a
    join stated as b
        on b.subject_id = a.subject_id
        and b.dimension = a.dimension
        and b.unit_normalized = a.unit_normalized
        and b.document_id > a.document_id
        and (instr(a.label, b.label) > 0 or instr(b.label, a.label) > 0)
    where abs(a.value_normalized - b.value_normalized) > 0.005 * max(abs(a.value_normalized), abs(b.value_normalized))
)

select
    pairs.*,
    round(100.0 * abs(value_a - value_b) / max(abs(value_a), abs(value_b)), 2) as difference_percent
from pairs
order by subject, label_a
