-- 地图上的项目
-- 每个项目的坐标：项目自身的经纬度，没有时取所在地点、再取其上级地点的经纬度；在表格上方以地图显示（需要联网底图；离线时请看菜单中的“地图”）。
-- 列：project_id、project、category、status、location、latitude、longitude。
with located as (
    select
        entities.id as project_id,
        entities.name as project,
        projects.category,
        projects.status,
        place.name as location,
        coalesce(entities.latitude, place.latitude, parent.latitude) as latitude,
        coalesce(entities.longitude, place.longitude, parent.longitude) as longitude
    from projects
    join entities on entities.id = projects.entity_id
    left join entities as place on place.id = projects.location_id
    left join entities as parent on parent.id = place.parent_id
)

select *
from located
where latitude is not null and longitude is not null
order by project
