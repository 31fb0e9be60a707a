-- One project's dossier: where it is, what it is, its milestones, metrics, operators and articles.
--
-- Answers: everything the database knows about one project, found by its name or an alias.
-- Parameters: $name (default '清华南口国家重点实验室基地'): the project's canonical name or an alias.
-- Columns: project, location, category, status, facet (milestone, metric, operator, article),
--   detail (event, metric label, operator role, document title), value (date and status,
--   metric surface, operator name, document id), document_id.
-- Example: urbandb query project_dossier --param name=清华南口国重基地
with wanted as (
    select e.id as entity_id, e.name as project
    from entities e
    where e.type = 'project'
      and (e.name = $name or e.id in (select entity_id from entity_aliases where alias = $name))
),

project as (
    select w.entity_id, w.project, p.id as project_id, l.name as location, p.category, p.status
    from wanted w
    left join projects p on p.entity_id = w.entity_id
    left join entities l on l.id = p.location_id
),

facets as (
    select pr.entity_id, 'milestone' as facet, pm.event as detail,
        coalesce(pm.date, '?') || ' ' || pm.status as value, g.document_id
    from project pr
    join project_milestones pm on pm.project_id = pr.project_id
    join paragraphs g on g.id = pm.paragraph_id
    union all
    select pr.entity_id, 'metric', coalesce(m.label, m.dimension), m.surface, m.document_id
    from project pr
    join metrics m on m.subject_id = pr.entity_id
    union all
    select pr.entity_id, 'operator', po.role, o.name, null
    from project pr
    join project_operators po on po.project_id = pr.project_id
    join entities o on o.id = po.org_id
    union all
    select distinct pr.entity_id, 'article', d.title, cast(d.id as varchar), d.id
    from project pr
    join entity_mentions em on em.entity_id = pr.entity_id
    join documents d on d.id = em.document_id
)

select pr.project, pr.location, pr.category, pr.status, f.facet, f.detail, f.value, f.document_id
from project pr
join facets f on f.entity_id = pr.entity_id
order by f.facet, f.document_id, f.detail
