-- Projects by status: how many projects are planned, under construction, completed or in use.
--
-- Answers: where the projects stand, from the events the articles report (dated milestones,
--   and undated ones such as 开诊, 投用, 主体封顶, 正在建设); 'unknown' when no article says.
-- Parameters: $category (default '%'): a project category, or '%' for all (a LIKE pattern).
-- Columns: status, projects, names (up to ten, by name).
-- Example: urbandb query projects_by_status --param category=%
with stated as (
    select coalesce(p.status, 'unknown') as status, e.name
    from projects p
    join entities e on e.id = p.entity_id
    where p.category like $category
)

select status, count(*) as projects, string_agg(name, '、' order by name) filter (where rank <= 10) as names
from (select *, row_number() over (partition by status order by name) as rank from stated)
group by status
order by case status when 'in use' then 1 when 'completed' then 2 when 'under construction' then 3
    when 'planned' then 4 else 5 end
