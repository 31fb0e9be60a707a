-- Projects per district: how many projects each county-level place holds, by category, and their summed areas.
--
-- Answers: where the projects are, rolled up to the district (county) of their location.
-- Parameters: $min_projects (default 1): leave out districts with fewer projects.
-- Columns: district, adcode, projects, categories (category: count, …), summed_area_m2
--   (the largest area metric of each project, summed; null when none is stated).
-- Example: urbandb query projects_by_place --param min_projects=1
with recursive chain as (
    select p.id as project_id, l.id as place_id, l.name, l.adcode, l.parent_id, 0 as depth
    from projects p
    join entities l on l.id = p.location_id
    union all
    select c.project_id, e.id, e.name, e.adcode, e.parent_id, c.depth + 1
    from chain c
    join entities e on e.id = c.parent_id
    where c.depth < 6
),

districts as (
    select project_id, name as district, adcode,
        row_number() over (partition by project_id order by depth) as rank
    from chain
    where adcode is not null and adcode not like '%00'
),

project_areas as (
    select p.id as project_id, max(m.value_normalized) as area_m2
    from projects p
    join metrics m on m.subject_id = p.entity_id and m.dimension = 'area'
    group by p.id
),

per_category as (
    select d.district, d.adcode, p.category, count(*) as n, sum(a.area_m2) as area_m2
    from districts d
    join projects p on p.id = d.project_id
    left join project_areas a on a.project_id = p.id
    where d.rank = 1
    group by d.district, d.adcode, p.category
)

select district, adcode, sum(n) as projects,
    string_agg(category || ': ' || n, ', ' order by n desc, category) as categories,
    sum(area_m2) as summed_area_m2
from per_category
group by district, adcode
having sum(n) >= $min_projects
order by projects desc, district
