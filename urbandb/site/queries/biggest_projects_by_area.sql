-- 面积最大的项目
-- 每个项目取以它为对象的面积数字中最大的一个，按面积从大到小排列。
-- 列：project_id（metrics.subject_id 所指的项目）、project、category、status、area_m2（平方米）、area_hectares（公顷）、label、surface、document_id。
with area_metrics as (
    select subject_id as project_id, value_normalized, surface, label, document_id
    from metrics
    where dimension = 'area' and subject_id is not null and value_normalized is not null
),

ranked as (
    select
        area_metrics.*,
        row_number() over (partition by project_id order by value_normalized desc) as position
    from area_metrics
)

select
    entities.id as project_id,
    entities.name as project,
    projects.category,
    projects.status,
    ranked.value_normalized as area_m2,
    round(ranked.value_normalized / 10000.0, 2) as area_hectares,
    ranked.label,
    ranked.surface,
    ranked.document_id
from ranked
join projects on projects.entity_id = ranked.project_id
join entities on entities.id = ranked.project_id
where ranked.position = 1
order by area_m2 desc
