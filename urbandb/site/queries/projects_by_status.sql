-- 按状态和类别统计项目
-- 每种状态（planned、under construction、completed、in use）与类别下的项目数和项目名称。
-- 列：status、category、projects、names。
with named_projects as (
    select coalesce(projects.status, '(未知)') as status, coalesce(projects.category, '(未知)') as category, entities.name
    from projects
    join entities on entities.id = projects.entity_id
)

select
    status,
    category,
    count(*) as projects,
    group_concat(name, '、') as names
from named_projects
group by status, category
order by projects desc, status, category
