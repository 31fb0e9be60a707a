-- Biggest projects by area: each project's largest area figure that is about it (metrics.subject_id).
--
-- Answers: which projects are the largest, by the area the articles attribute to them
--   (land, floor space or planned space); a figure about a district or a corridor counts
--   for that entity, not for a project named near it.
-- Parameters: $min_m2 (default 0): leave out projects whose largest area is smaller (square metres).
-- Columns: project, category, status, area_m2, label, surface, document_id.
-- Example: urbandb query biggest_projects_by_area --param min_m2=10000
with area_figures as (
    select m.subject_id, m.value_normalized, m.label, m.surface, m.document_id, m.id
    from metrics m
    where m.dimension = 'area' and m.subject_id is not null
),

largest as (
    select *, row_number() over (partition by subject_id order by value_normalized desc, id) as position
    from area_figures
)

select e.name as project, p.category, p.status, l.value_normalized as area_m2, l.label, l.surface, l.document_id
from largest l
join projects p on p.entity_id = l.subject_id
join entities e on e.id = l.subject_id
where l.position = 1 and l.value_normalized >= $min_m2
order by area_m2 desc, project
