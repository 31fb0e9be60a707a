-- 按状态和类别统计项目
-- 每种状态（规划中、在建、已建成、已投用）与类别下的项目数和项目名称；页面上状态与类别显示为中文，JSON 与 CSV 保留代码。
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
