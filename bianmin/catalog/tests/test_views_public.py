import io
import re
from urllib.parse import unquote

from django.urls import reverse
from pypdf import PdfReader

from bianmin.catalog import guide_links, selectors
from bianmin.catalog.guide_links import GuideLink
from bianmin.catalog.models import Material, Mode, SearchMiss, ServiceItem
from bianmin.catalog.pdf import render_card
from bianmin.catalog.selectors import current_version
from bianmin.catalog.services import item_publish, item_withdraw
from bianmin.catalog.tests.factories import MaterialFactory, ServiceItemFactory, ThemeFactory, published_item


def _text(pdf: bytes) -> tuple[str, int]:
    """All text of the PDF without white space (lines break anywhere in Chinese), and its page count."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", "", text), len(reader.pages)


def test_every_demo_item_prints_a_one_page_card_and_a_full_guide(client, demo_catalog):
    center = demo_catalog
    items = ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED, owner__code__in=["410108", "410108001"])
    assert items.count() >= 40

    for item in items:
        materials = [m["name"] for m in current_version(item).materials]
        card = client.get(reverse("catalog:card_pdf", args=[center.code, item.pk]))
        guide = client.get(reverse("catalog:guide_pdf", args=[center.code, item.pk]))
        assert card["Content-Type"] == "application/pdf"
        # Named after the item, not card-1.pdf / guide-1.pdf.
        assert unquote(card["Content-Disposition"].split("filename*=UTF-8''")[1]) == f"明白卡-{item.name}.pdf"
        assert unquote(guide["Content-Disposition"].split("filename*=UTF-8''")[1]) == f"服务指南-{item.name}.pdf"

        card_text, card_pages = _text(card.content)
        guide_text, _pages = _text(guide.content)
        assert card_pages == 1, item.name
        for text in (card_text, guide_text):
            assert item.name in text
            assert "长兴路街道便民服务中心" in text
            for name in materials:
                assert re.sub(r"\s+", "", name) in text, (item.name, name)
        for element in ("服务事项", "申报材料", "办事程序", "承诺时限", "收费依据", "收费标准"):
            assert element in guide_text


def test_card_stays_on_one_page_with_many_long_materials(world):
    version = published_item(owner=world.center, department=world.department, main=(), general=())
    for n in range(30):
        MaterialFactory.create(
            item=version.item,
            name=f"第{n + 1}项与所申请事项有关的证明材料，须由出具单位加盖公章并注明用途",
            kind=Material.Kind.MAIN if n % 2 else Material.Kind.GENERAL,
            notes="查验原件，留存复印件一份；复印件须由申请人签字确认与原件一致。",
        )
    version = item_publish(item=version.item, actor=None)

    text, pages = _text(render_card(center=world.center, version=version, url="http://testserver/g/1/"))

    assert pages == 1
    assert "第30项与所申请事项有关的证明材料" in text


def test_guide_page_shows_the_six_public_elements_of_the_published_version(client, world):
    version = published_item(
        owner=world.center,
        department=world.department,
        name="居住证办理",
        main=("居民身份证", "居住登记满半年的证明"),
        general=("近期一寸免冠彩色照片",),
        is_free=False,
        fee_standard="换领、补领每证工本费20元",
        fee_basis="《居住证暂行条例》",
    )
    version.item.windows.set([world.window])
    version = item_publish(item=version.item, actor=None)

    page = client.get(reverse("catalog:guide_item", args=[world.center.code, version.item_id])).content.decode()

    for text in (
        "居住证办理",
        "一、服务事项",
        "二、申报材料",
        "三、办事程序",
        "四、承诺时限",
        "五、收费依据",
        "六、收费标准",
        "居住登记满半年的证明",
        "主要材料",
        "一般材料",
        "换领、补领每证工本费20元",
        "《居住证暂行条例》",
        "2号窗口（民政窗口）",
        "5个工作日",
    ):
        assert text in page, text


def test_unpublished_withdrawn_and_foreign_items_are_404(client, world):
    draft = ServiceItemFactory.create(owner=world.center, department=world.department)
    withdrawn = published_item(owner=world.center, department=world.department).item
    item_withdraw(item=withdrawn, actor=None, reason="停止办理")
    elsewhere = published_item(owner=world.other).item

    for item in (draft, withdrawn, elsewhere):
        for name in ("catalog:guide_item", "catalog:card_pdf", "catalog:guide_pdf"):
            assert client.get(reverse(name, args=[world.center.code, item.pk])).status_code == 404
    assert client.get(reverse("catalog:guide", args=["nope"])).status_code == 404
    assert client.get("/centers/410100001/guide/99999999999999999999/").status_code == 404


def test_catalog_lists_by_department_and_by_theme_in_constant_queries(client, world, django_assert_max_num_queries):
    theme = ThemeFactory.create(code="elderly", name="养老服务")
    for n in range(12):
        version = published_item(owner=world.center, department=world.department, name=f"养老事项{n}")
        if n % 2:
            version.item.themes.add(theme)
    published_item(owner=world.district, department=world.joint, name="社会保障卡申领")
    client.get(reverse("catalog:guide", args=[world.center.code]))

    with django_assert_max_num_queries(6):
        by_department = client.get(reverse("catalog:guide", args=[world.center.code])).content.decode()
    with django_assert_max_num_queries(7):
        by_theme = client.get(reverse("catalog:guide", args=[world.center.code]), {"theme": "elderly"}).content.decode()

    assert "民政办" in by_department
    assert "社会保障所" in by_department
    assert "社会保障卡申领" in by_department
    assert by_department.count("养老事项") == 12
    assert by_theme.count("养老事项") == 6
    assert client.get(reverse("catalog:guide", args=[world.center.code]), {"theme": "nope"}).status_code == 404
    # The first chip of the theme list leads back to all themes; it once said "按部门" over a list of themes.
    chips = re.search(r'<nav class="chips".*?</nav>', by_department, re.S)
    assert chips is not None
    assert re.findall(r'<a class="chip[^"]*"[^>]*>([^<]+)', chips.group(0))[:2] == ["全部主题", "养老服务 "]


def test_public_search_page_and_its_htmx_partial(client, world, django_assert_max_num_queries):
    published_item(owner=world.center, department=world.department, name="最低生活保障申请")
    for n in range(10):
        published_item(owner=world.center, department=world.department, name=f"低保复核{n}")

    selectors.ensure_synonyms()  # read once per worker, not per search
    # The center, the search itself (the words' rarity, the ranked items), the versions of what was found.
    with django_assert_max_num_queries(4):
        page = client.get(reverse("catalog:search", args=[world.center.code]), {"q": "dibao"}).content.decode()
    partial = client.get(
        reverse("catalog:search", args=[world.center.code]), {"q": "低保"}, headers={"HX-Request": "true"}
    ).content.decode()
    nothing = client.get(reverse("catalog:search", args=[world.center.code]), {"q": "宇航员"}).content.decode()

    assert "最低生活保障申请" in page
    assert "<html" in page
    assert "最低生活保障申请" in partial
    assert "<html" not in partial
    assert "没有找到与“宇航员”完全相符的事项" in nothing
    # Never a blank page: the departments to browse and the consultation phone.
    assert "按部门查找" in nothing
    assert world.department.name in nothing
    assert "咨询电话 0371-63380001" in nothing


def test_menu_links_lead_to_the_default_centers_guide_and_search(client, world, settings):
    settings.BIANMIN_DEFAULT_CENTER = world.center.code

    guide = client.get(reverse("catalog:guide_home"))
    search = client.get(reverse("catalog:search_home"), {"q": "低保"})

    assert guide["Location"] == reverse("catalog:guide", args=[world.center.code])
    assert search["Location"] == reverse("catalog:search", args=[world.center.code]) + "?q=%E4%BD%8E%E4%BF%9D"
    home = client.get(reverse("org:public_home")).content.decode()
    assert "服务指南" in home
    assert "事项查询" in home


def test_the_display_screen_is_the_hall_screen_and_cycles_the_items(client, world, django_assert_max_num_queries):
    for n in range(10):
        version = published_item(owner=world.center, department=world.department, name=f"大厅事项{n}")
        version.item.windows.set([world.window])
        item_publish(item=version.item, actor=None)
    published_item(
        owner=world.center, department=world.department, name="即办事项", default_mode=Mode.DIRECT, promised_limit=0
    )

    screen = client.get(reverse("catalog:screen", args=[world.center.code]))
    page1 = client.get(reverse("catalog:screen_items", args=[world.center.code]), {"page": "1"}).content.decode()
    with django_assert_max_num_queries(4):
        page2 = client.get(reverse("catalog:screen_items", args=[world.center.code]), {"page": "2"}).content.decode()
    after_last = client.get(reverse("catalog:screen_items", args=[world.center.code]), {"page": "x"}).content.decode()

    # One screen for the hall: the queue, who is on duty and these items (composed by the hall app)
    assert screen.status_code == 302
    assert screen["Location"] == reverse("hall:screen", args=[world.center.code])
    assert 'hx-trigger="every 15s"' in page1
    assert "即办事项" in page1 or "即办事项" in page2
    assert "2号" in page1
    # The last page links back to the first: the screen cycles.
    assert "page=1" in page2
    assert "<html" not in page2
    assert "1/2" in after_last


def test_a_query_that_finds_nothing_is_counted_without_personal_data(client, world):
    published_item(owner=world.center, department=world.department, name="最低生活保障申请")
    url = reverse("catalog:search", args=[world.center.code])

    client.get(url, {"q": "宇航员"})
    client.get(url, {"q": "宇航員"})  # the same query in traditional characters
    client.get(url, {"q": "低保"})

    assert list(SearchMiss.objects.values_list("text", "count")) == [("宇航员", 2)]


def test_the_guide_offers_the_blank_form_and_the_sample_for_download(client, world):
    version = published_item(owner=world.center, name="最低生活保障申请", main=("申请表", "居民身份证"), general=())
    Material.objects.filter(item=version.item, name="申请表").update(
        blank_form="catalog/forms/dibao.docx", sample="catalog/samples/dibao-sample.pdf"
    )
    version = item_publish(item=version.item, actor=None)

    page = client.get(reverse("catalog:guide_item", args=[world.center.code, version.item_id])).content.decode()
    downloads = page[page.index('id="downloads"') : page.index('id="steps"')]

    assert 'href="/media/catalog/forms/dibao.docx" download>下载空白表格' in downloads
    assert 'href="/media/catalog/samples/dibao-sample.pdf" download>下载示范文本' in downloads
    assert "居民身份证" not in downloads  # nothing to download for it
    assert 'href="#downloads"' in page


def test_no_download_section_without_files(client, world):
    version = published_item(owner=world.center, name="居住证办理")

    page = client.get(reverse("catalog:guide_item", args=[world.center.code, version.item_id])).content.decode()

    assert 'id="downloads"' not in page


def test_apps_above_the_catalog_add_their_links_to_the_guide(client, world, monkeypatch):
    version = published_item(owner=world.center, name="居住证办理")
    monkeypatch.setattr(guide_links, "_providers", [])
    guide_links.register(lambda center, item_id: GuideLink("预约办理", f"/book/?item={item_id}", primary=True))
    guide_links.register(lambda center, item_id: None)  # an app with nothing to offer for this item

    page = client.get(reverse("catalog:guide_item", args=[world.center.code, version.item_id])).content.decode()

    assert f'<a class="btn primary" href="/book/?item={version.item_id}" data-guide-action>预约办理</a>' in page
    assert page.count("data-guide-action") == 1


def test_the_browse_counts_of_a_weak_search_are_kept_until_the_catalog_changes(
    client, world, django_assert_num_queries
):
    theme = ThemeFactory.create(code="yl", name="养老服务")
    first = published_item(owner=world.center, department=world.department, name="高龄津贴申领")
    first.item.themes.add(theme)
    published_item(owner=world.center, department=world.joint, name="失业保险金申领")
    url = reverse("catalog:search", args=[world.center.code])
    selectors.ensure_synonyms()
    client.get(url, {"q": "宇航员"})

    # Counted once, then read from the cache under the catalog's newest event: the center, the search (2), the
    # missed query counted, and one lookup of the newest event for both lists.
    with django_assert_num_queries(5):
        page = client.get(url, {"q": "宇航员"}).content.decode()
    assert "民政办（1）" in page
    assert "社会保障所（1）" in page
    assert "养老服务（1）" in page

    # A publication shows at once (a new event), and so does a withdrawal
    published_item(owner=world.center, department=world.department, name="老年人优待证办理")
    assert "民政办（2）" in client.get(url, {"q": "宇航员"}).content.decode()
    item_withdraw(item=first.item, actor=world.director.user, reason="政策调整")
    page = client.get(url, {"q": "宇航员"}).content.decode()
    assert "民政办（1）" in page
    assert "养老服务" not in page
