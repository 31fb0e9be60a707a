-- Projects with names: each project with its place, the place above it, and its operators.
-- Written by `urbandb export` as projects_named.<format>, next to the bare tables. No parameters.
-- Columns: project_id (entity id), project, category, status, place_id, place, parent_place, operators ("name (role)", joined by 、), latest_milestone_date.
select
    e.id as project_id,
    e.name as project,
    p.category,
    p.status,
    place.id as place_id,
    place.name as place,
    parent.name as parent_place,
    (
        select string_agg(org.name || ' (' || o.role || ')', '、' order by o.role, org.name)
        from project_operators as o
        join entities as org on org.id = o.org_id
        where o.project_id = p.id
    ) as operators,
    (select max(ms.date) from project_milestones as ms where ms.project_id = p.id) as latest_milestone_date
from projects as p
join entities as e on e.id = p.entity_id
left join entities as place on place.id = p.location_id
left join entities as parent on parent.id = place.parent_id
order by e.name
