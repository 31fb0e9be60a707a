-- 各区每年释放的土地
-- 标签含“用地、供地、出让、土地、供应、腾退、腾挪”的面积指标，按所在区县（指标对象为地点时取该地点，为项目时取项目位置，再沿上级地点找到最近的“区/县/市”）和年份（数字所说的年份，未说明时取文章发表的年份）汇总。
-- 同一区县、年份、标签、数值的重复提及只计一次。
-- 列：district、year（as_of_year，缺省为文章发表年份）、metrics、area_m2、area_hectares、labels。
with recursive land as (
    select
        metrics.id,
        metrics.subject_id,
        metrics.label,
        metrics.value_normalized,
        coalesce(metrics.as_of_year, cast(substr(documents.published_date, 1, 4) as integer)) as year
    from metrics
    join documents on documents.id = metrics.document_id
    where metrics.dimension = 'area'
        and metrics.value_normalized is not null
        and (
            metrics.label like '%用地%' or metrics.label like '%供地%' or metrics.label like '%出让%'
            or metrics.label like '%土地%' or metrics.label like '%供应%' or metrics.label like '%腾退%'
            or metrics.label like '%腾挪%'
        )
),

start as (
    select land.id as metric_id, coalesce(projects.location_id, land.subject_id) as place_id
    from land
    left join projects on projects.entity_id = land.subject_id
),

up(metric_id, place_id, depth) as (
    select metric_id, place_id, 0 from start where place_id is not null
    union all
    select up.metric_id, entities.parent_id, up.depth + 1
    from up
    join entities on entities.id = up.place_id
    where entities.parent_id is not null and up.depth < 8
),

district as (
    select
        up.metric_id,
        entities.name,
        row_number() over (partition by up.metric_id order by up.depth) as position
    from up
    join entities on entities.id = up.place_id
    where entities.type = 'place'
        and (entities.name like '%区' or entities.name like '%县' or entities.name like '%市')
),

distinct_statements as (
    select distinct
        coalesce(district.name, '(未知)') as district,
        land.year,
        land.label,
        land.value_normalized
    from land
    left join district on district.metric_id = land.id and district.position = 1
)

select
    district,
    year,
    count(*) as metrics,
    sum(value_normalized) as area_m2,
    round(sum(value_normalized) / 10000.0, 2) as area_hectares,
    group_concat(label, '、') as labels
from distinct_statements
group by district, year
order by area_m2 desc
