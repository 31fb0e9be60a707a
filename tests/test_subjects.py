"""What each figure is about (`extract.subjects`): sentences written for the rules,
entities given by hand so that only the subject decision is tested."""
from __future__ import annotations

from urbandb.extract.entity_records import Entity, Mention
from urbandb.extract.metrics import extract_metrics
from urbandb.extract.subjects import assign_subjects
from tests.test_entities import article_of

PLACES = {"滨海区": "120116", "天津市": "120100", "河北省": "130000", "上海市": "310100"}


def subjects(texts: list[str], names: dict[str, str]) -> list[tuple[str, str | None]]:
    """(surface, subject) of every metric, with each name of `names` (name -> type) an
    entity mentioned wherever it is written."""
    article = article_of(*texts)
    article.metrics = extract_metrics(article)
    entities = []
    for name, type_ in names.items():
        mentions = [Mention(p.seq, i, i + len(name), name) for p in article.paragraphs
                    for i in _positions(p.text, name)]
        entities.append(Entity(name, type_, adcode=PLACES.get(name), mentions=mentions))
    article.entities = entities
    assign_subjects(article)
    return [(m.surface, m.subject) for m in article.metrics]


def _positions(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


def test_subjects_the_entity_that_opens_the_clause():
    assert subjects(["滨海区腾退土地80公顷，其中海港产业园占地30公顷。"], {"滨海区": "place", "海港产业园": "project"}) == [
        ("80公顷", "滨海区"), ("30公顷", "海港产业园")]


def test_subjects_carried_to_the_next_sentence_of_the_paragraph():
    assert subjects(["海港产业园位于滨海区。规划建筑面积12万平方米，可容纳200家企业。"],
                    {"滨海区": "place", "海港产业园": "project"}) == [("12万平方米", "海港产业园"), ("200家", "海港产业园")]


def test_subjects_reference_to_the_project_named_before():
    assert subjects(["滨海区启动海港产业园建设。", "该项目总投资15亿元。"], {"滨海区": "place", "海港产业园": "project"}) == [
        ("15亿元", "海港产业园")]


def test_subjects_the_whole_district_is_the_article_place():
    texts = ["滨海区位于天津市东部。", "全区现有医院12家，海港医院等3家医院开诊。"]
    assert subjects(texts, {"滨海区": "place", "天津市": "place", "海港医院": "project"}) == [("12家", "滨海区"), ("3家", "滨海区")]


def test_subjects_national_figures_have_none():
    assert subjects(["滨海区有40家。全国共有1300片历史街区。"], {"滨海区": "place"}) == [("40家", "滨海区"), ("1300片", None)]


def test_subjects_a_benchmark_is_not_the_subject():
    texts = ["河北省企业平均用地为上海市的75%。"]
    assert subjects(texts, {"河北省": "place", "上海市": "place"}) == [("75%", "河北省")]


def test_subjects_without_a_name_the_article_place():
    texts = ["滨海区召开会议。", "滨海区部署工作。", "新增就业岗位3000个。"]
    assert subjects(texts, {"滨海区": "place"}) == [("3000个", "滨海区")]


def test_subjects_a_direction_word_may_open_the_clause_and_a_list_is_no_subject():
    texts = ["滨海区规划了新的走廊。东部海港科技走廊集聚海港产业园等8个组团，规划产业空间超500万平方米。"]
    names = {"滨海区": "place", "海港科技走廊": "project", "海港产业园": "project"}
    assert subjects(texts, names) == [("8个", "海港科技走廊"), ("超500万平方米", "海港科技走廊")]


def test_subjects_a_paragraph_naming_nothing_goes_on_about_the_one_before():
    texts = ["滨海区召开会议。", "海港产业园进入施工阶段。", "工人3天内完成200米管线铺设。"]
    assert subjects(texts, {"滨海区": "place", "海港产业园": "project"}) == [("3天内", "海港产业园"), ("200米", "海港产业园")]


def test_subjects_an_infobox_caption_with_a_name_governs_the_lines_under_it():
    article = article_of("滨海区介绍产业。", "海港产业园一览", "面积", "12平方公里", "绿色发展成效(截至2023年)", "绿地率 40%",
                         kinds={1: "infobox", 2: "infobox", 3: "infobox", 4: "infobox", 5: "infobox"})
    article.metrics = extract_metrics(article)
    article.entities = [Entity("滨海区", "place", adcode="120116", mentions=[Mention(0, 0, 3, "滨海区")]),
                        Entity("海港产业园", "project", mentions=[Mention(1, 0, 5, "海港产业园")])]
    assign_subjects(article)
    assert [(m.surface, m.subject) for m in article.metrics] == [("12平方公里", "海港产业园"), ("40%", "滨海区")]


def test_subjects_a_place_in_the_figures_own_clause():
    texts = ["上海市召开会议，上海市发布通知。", "会议指出，园区企业占河北省40%的土地面积。"]
    found = dict(subjects(texts, {"河北省": "place", "上海市": "place"}))
    assert found["40%"] == "河北省"


def test_subjects_respectively_pairs_figures_with_the_listed_names():
    texts = ["新增商场集中在外围，西湖区、滨江区、萧山区分别有4个、3个、1个商场开业。"]
    names = {"西湖区": "place", "滨江区": "place", "萧山区": "place"}
    assert subjects(texts, names) == [("4个", "西湖区"), ("3个", "滨江区"), ("1个", "萧山区")]


def test_subjects_the_whole_country_earlier_in_the_sentence():
    texts = ["滨海区发布报告。", "全国改造老旧街区6500个、老旧厂区700个，在70个城市开展试点。"]
    assert [s for _, s in subjects(texts, {"滨海区": "place"})] == [None, None, None]


def test_subjects_a_project_brought_in_by_a_building_verb_is_the_topic():
    texts = ["滨海区依托试点，打造海港产业园，集聚研发空间。通过立体开发，节约土地80亩。"]
    assert subjects(texts, {"滨海区": "place", "海港产业园": "project"}) == [("80亩", "海港产业园")]


def test_subjects_here_refers_to_the_project_or_place_named_last():
    texts = ["滨海区推进海港产业园建设。", "明年起，这里将入驻12家企业。"]
    assert subjects(texts, {"滨海区": "place", "海港产业园": "project"}) == [("12家", "海港产业园")]


def test_subjects_a_list_of_names_is_no_topic():
    texts = ["滨海区全年推进工作。", "滨海区打造海港产业园、临港产业园，共推出工业用地80公顷。"]
    names = {"滨海区": "place", "海港产业园": "project", "临港产业园": "project"}
    assert subjects(texts, names) == [("80公顷", "滨海区")]


def test_subjects_a_reporter_or_speaker_is_no_topic():
    texts = ["滨海区召开发布会，滨海区发布数据。", "海港日报记者梳理发现，园区产值增长12%。"]
    assert subjects(texts, {"滨海区": "place", "海港日报": "org"}) == [("12%", "滨海区")]


def test_subjects_a_figure_goes_on_about_what_the_figure_before_it_in_the_sentence_was():
    texts = ["滨海区推进改造。", "该模式成效显著，并推广至海港街道12个小区，改造面积近80万平方米。"]
    names = {"滨海区": "place", "海港街道": "place"}
    assert subjects(texts, names) == [("12个", "海港街道"), ("近80万平方米", "海港街道")]


def test_subjects_the_place_written_right_after_another_is_the_one_meant():
    texts = ["在天津市滨海区，老旧厂区已焕新为年营收超90亿元的园区。"]
    assert subjects(texts, {"天津市": "place", "滨海区": "place"}) == [("超90亿元", "滨海区")]


def test_subjects_a_counted_phrase_is_no_name_but_a_numbered_line_is():
    texts = ["滨海区发布数据。", "58片历史街区成为休闲街区，带动就业12万人。", "地铁17号线全长40公里。"]
    names = {"滨海区": "place", "58片历史街区": "project", "地铁17号线": "project"}
    assert subjects(texts, names) == [("58片", "滨海区"), ("12万人", "滨海区"), ("40公里", "地铁17号线")]


def test_subjects_after_a_national_figure_the_paragraph_stays_national():
    texts = ["滨海区发布数据。", "滨海区开展普查。最新数据显示，全国历史街区已达1300片；确定的历史建筑6.89万处。"]
    assert subjects(texts, {"滨海区": "place"}) == [("1300片", None), ("6.89万处", None)]


def test_subjects_a_name_right_before_its_count_is_what_is_counted():
    texts = ["滨海区发布年度计划。", "其中，新开工项目98个，续建项目539个。"]
    names = {"滨海区": "place", "新开工项目": "project", "续建项目": "project"}
    assert subjects(texts, names) == [("98个", "滨海区"), ("539个", "滨海区")]


def test_subjects_a_figure_written_into_a_project_name_is_about_that_project():
    texts = ["滨海区表示，将建设日产5000吨海港水泥生产线。"]
    assert subjects(texts, {"滨海区": "place", "海港水泥生产线": "project"}) == [("5000吨", "海港水泥生产线")]


def test_subjects_a_bound_that_defines_a_group_has_no_subject():
    texts = ["滨海区共有12个 2万平方米以上商场计划开业。", "滨海区品牌调整超过50家的商场中，老商场最多。"]
    assert subjects(texts, {"滨海区": "place"}) == [("12个", "滨海区"), ("2万平方米以上", None), ("超过50家", None)]


def test_subjects_a_bounded_amount_of_the_subject_keeps_it():
    texts = ["滨海区计划完成2000亩以上产业用地供地任务，营收超90亿元的企业有5家。"]
    assert subjects(texts, {"滨海区": "place"}) == [("2000亩以上", "滨海区"), ("超90亿元", "滨海区"), ("5家", "滨海区")]


def test_subjects_one_of_a_whole_is_about_the_whole():
    texts = ["滨海区是全市重点发展的8个新城之一。", "海港新城也是天津市活力消费圈的40个聚集区之一。"]
    names = {"滨海区": "place", "天津市": "place", "海港新城": "place"}
    assert subjects(texts, names) == [("8个", "天津市"), ("40个", "天津市")]


def test_subjects_a_project_written_right_after_a_place_is_the_topic():
    texts = ["天津市依托整治试点，打造滨海区海港养殖场项目，统筹配置空间。通过立体养殖，节约土地500亩。"]
    assert subjects(texts, {"天津市": "place", "滨海区": "place", "海港养殖场项目": "project"}) == [("500亩", "海港养殖场项目")]


def test_subjects_a_period_word_may_open_the_clause():
    texts = ["前三季度，滨海区实现增加值1400亿元，同期海港区为1900亿元。"]
    assert subjects(texts, {"滨海区": "place", "海港区": "place"}) == [("1400亿元", "滨海区"), ("1900亿元", "海港区")]


def test_subjects_a_place_after_zuowei_is_a_role_not_the_topic():
    texts = ["海港商圈在规划中地位突出。作为滨海区经济新中心，日均客流量约20万人次。"]
    assert subjects(texts, {"海港商圈": "place", "滨海区": "place"}) == [("约20万人次", "海港商圈")]


def test_subjects_after_jingguo_the_topic_of_the_next_clause():
    texts = ["滨海区东部建设能源园，经过12年集中开发建设，海港新城当前地位突出。"]
    assert subjects(texts, {"滨海区": "place", "海港新城": "place"}) == [("12年", "海港新城")]


def test_subjects_an_org_before_its_speaker_is_no_topic_and_yuanqu_refers_back():
    texts = ["海港产业园由滨海集团打造。", "滨海集团总经理王明介绍，园区将引入龙头企业。目前，已吸引甲、乙等13家企业入驻。"]
    assert subjects(texts, {"海港产业园": "project", "滨海集团": "org"}) == [("13家", "海港产业园")]


def test_subjects_an_example_supposed_and_a_gap_between_two_have_none():
    texts = ["滨海区发展较快。一块约50亩的用地，如果用于住宅开发，能拿到10亿元收入。",
             "滨海区实现GDP 5000亿元，二者的差距扩大到700亿元。"]
    assert subjects(texts, {"滨海区": "place"}) == [
        ("约50亩", None), ("10亿元", None), ("5000亿元", "滨海区"), ("700亿元", None)]


def test_subjects_figures_joined_like_the_names_pair_with_them():
    texts = ["滨海区、海港区的比重达到60%和40%。", "滨海区、海港区共推出面积约70公顷、建筑规模约110万平方米。"]
    found = subjects(texts, {"滨海区": "place", "海港区": "place"})
    assert found[:2] == [("60%", "滨海区"), ("40%", "海港区")]
    assert found[2][1] == found[3][1]  # totals with words between them are not paired


def test_subjects_a_whole_right_before_a_share_is_its_base_not_its_subject():
    texts = ["滨海区位于天津市。作为科创中心，滨海区拥有全市1/3的重点实验室。", "全市共有实验室90个。"]
    assert subjects(texts, {"滨海区": "place", "天津市": "place"}) == [("1/3", "滨海区"), ("90个", "天津市")]


def test_subjects_a_name_after_a_description_closed_by_de_opens_the_clause():
    texts = ["滨海区新签约项目20个，总投资80亿元。其中，作为首批开工项目的海港产业园项目，总投资6亿元，占地150亩。"]
    assert subjects(texts, {"滨海区": "place", "海港产业园": "project"}) == [
        ("20个", "滨海区"), ("80亿元", "滨海区"), ("6亿元", "海港产业园"), ("150亩", "海港产业园")]
    assert subjects(["位于滨海区的海港产业园总投资6亿元。"], {"滨海区": "place", "海港产业园": "project"}) == [("6亿元", "海港产业园")]


def test_subjects_a_group_of_places_counted_by_a_number_has_none():
    texts = ["天津市、上海市、河北省三地今年供应住宅用地超过900公顷，其中上海市供应300公顷。"]
    assert subjects(texts, {"天津市": "place", "上海市": "place", "河北省": "place"}) == [("超过900公顷", None), ("300公顷", "上海市")]


def test_subjects_the_figure_before_in_the_sentence_says_more_than_the_name_that_opened_it():
    texts = ["天津市加快老旧小区改造。", "今年市住建委明确新开工改造小区120个，目前全市实际新开工150个，惠及居民5.6万户。"]
    assert subjects(texts, {"天津市": "place", "市住建委": "org"}) == [("120个", "市住建委"), ("150个", "天津市"), ("5.6万户", "天津市")]
    texts = ["今年滨海区明确新开工改造小区120个，目前天津市实际新开工150个，惠及居民5.6万户。"]
    assert subjects(texts, {"天津市": "place", "滨海区": "place"}) == [("120个", "滨海区"), ("150个", "天津市"), ("5.6万户", "天津市")]


def test_subjects_a_reference_to_the_company_named_before():
    texts = ["滨海区引进海港重工有限公司，建设海港产业园。", "该企业年销售收入将从4.7亿元跃升至14亿元。"]
    assert subjects(texts, {"滨海区": "place", "海港重工有限公司": "org", "海港产业园": "project"}) == [
        ("4.7亿元", "海港重工有限公司"), ("14亿元", "海港重工有限公司")]


def test_subjects_a_figure_in_brackets_after_a_name_is_about_it():
    texts = ["滨海区的人口最多，达到325.5万，其次是天津市（310.2万）。"]
    assert subjects(texts, {"滨海区": "place", "天津市": "place"}) == [("325.5万", "滨海区"), ("310.2万", "天津市")]


def test_subjects_a_level_compared_with_has_none():
    texts = ["滨海区购物中心开业12家，餐饮业态积极扩张，优于24城水平。"]
    assert subjects(texts, {"滨海区": "place"}) == [("12家", "滨海区"), ("24城", None)]


def test_subjects_the_place_of_a_dateline_is_where_the_report_was_filed_not_its_topic():
    assert subjects(["本报天津7月20日电　今年全国签约项目40个。", "累计完成投资2.6万亿元。"], {"天津": "place"}) == [
        ("40个", None), ("2.6万亿元", None)]


def test_subjects_places_named_once_side_by_side_make_no_topic():
    found = subjects(["河北省、上海市等8个省份开工率超过50%。", "全年共新开工项目40个。"], {"河北省": "place", "上海市": "place"})
    assert ("40个", None) in found


def test_subjects_places_named_once_on_one_chain_make_the_innermost_the_topic():
    from urbandb.extract.subjects import article_topic

    city = Entity("天津市", "place", adcode="120100", mentions=[Mention(0, 0, 3, "天津市")])
    district = Entity("滨海区", "place", adcode="120116", parent="天津市", mentions=[Mention(0, 3, 6, "滨海区")])
    province = Entity("河北省", "place", adcode="130000", mentions=[Mention(1, 0, 3, "河北省")])
    assert article_topic([city, district]) is district  # 天津市滨海区: one chain
    assert article_topic([city, district, province]) is None  # and a place beside it: no topic
    city.mentions.append(Mention(2, 0, 3, "天津市"))
    assert article_topic([city, district, province]) is city  # named twice


def test_subjects_a_dateline_ends_at_its_mark_not_inside_a_word():
    from urbandb.extract.subjects import _DATELINE

    assert _DATELINE.match("新华社北京7月19日电（记者王优玲）").group() == "新华社北京7月19日电"
    assert _DATELINE.match("本报海东讯 (记者 赵睿)").group() == "本报海东讯"
    assert _DATELINE.match("该报告显示北京电力供应充足。") is None


def test_subjects_a_projects_own_measure_after_the_clause_that_ends_on_it():
    both = {"滨海区": "place", "海港产业园": "project", "临港物流园": "project"}
    assert subjects(["滨海区今年开工建设海港产业园，总投资15亿元，占地面积20公顷。"], both) == [
        ("15亿元", "海港产业园"), ("20公顷", "海港产业园")]
    assert subjects(["滨海区今年开工建设海港产业园项目，总投资15亿元。"], both) == [("15亿元", "海港产业园")]
    # Two projects listed: the figure is the district's, not the last one's.
    assert subjects(["滨海区今年开工建设临港物流园、海港产业园，总投资15亿元。"], both) == [("15亿元", "滨海区")]
    # A clause that does not open on a project's measure keeps the sentence's subject.
    assert subjects(["滨海区今年开工建设海港产业园，全年工业投资增长12%。"], both) == [("12%", "滨海区")]
    # 签约22个项目 refers to no one project.
    assert subjects(["滨海区建设海港产业园。", "滨海区此次签约22个项目，总投资15亿元。"], both) == [
        ("22个", "滨海区"), ("15亿元", "滨海区")]


def test_subjects_a_figure_of_places_listed_together_is_none_of_them():
    places = {"滨海区": "place", "天津市": "place", "河北省": "place", "上海市": "place"}
    assert subjects(["今年，河北省、上海市先后有28个项目集中开工。"], places) == [("28个", None)]
    assert subjects(["今年，河北省、上海市等8个省份开工率超过50%。"], places) == [("8个", None), ("超过50%", None)]
    # One place in its clause is still the subject.
    assert subjects(["今年，上海市有28个项目集中开工。"], places) == [("28个", "上海市")]


def test_subjects_each_item_of_a_list_is_about_the_name_it_opens_with():
    places = {"滨海区": "place", "天津市": "place", "河北省": "place", "上海市": "place"}
    assert subjects(["其中，滨海区1个小区、天津市2个小区和上海市17个小区完成改造。"], places) == [
        ("1个", "滨海区"), ("2个", "天津市"), ("17个", "上海市")]
    # A list of bare names counted together: the figure is none of them.
    assert subjects(["今年，河北省、上海市2个省市完成改造。"], places) == [("2个", None)]


def test_subjects_a_parcel_written_after_its_places_and_referred_to_after():
    names = {"滨海区": "place", "天津市": "place", "XS2024-18号地块": "project"}
    texts = ["天津市滨海区XS2024-18号地块由某公司竞得，溢价率12.5%。该地块出让面积约3.1万平方米。"]
    assert subjects(texts, names) == [("12.5%", "XS2024-18号地块"), ("约3.1万平方米", "XS2024-18号地块")]
