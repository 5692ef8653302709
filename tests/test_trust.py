"""The legal masthead check (신문법 §21, §9-2) and the trust signals search engines read:
NewsMediaOrganization, ProfilePage, NewsArticle authors and images, social cards,
site verification and robots.txt."""

from __future__ import annotations

import pytest
from conftest import MINIMAL_CONFIG, article_text, build_site, jpeg_bytes, parse_html
from schemaorg import json_ld_blocks, problems
from test_seo import meta

from generator.cli.main import main
from generator.core.errors import BuildFailed

PUBLISHER = """
[publisher]
name = "테스트뉴스"
company = "주식회사 테스트미디어"
registration = "경기, 아00001"
registered = "2020.01.02"
publisher = "홍길동"
editor = "김편집"
address = "경기도 수원시 팔달구 효원로 1"
phone = "031-000-0001"
email = "news@news.example"
youth_officer = "이보호"
"""
CONFIG = MINIMAL_CONFIG.replace('legal_check = "off"\n', "") + PUBLISHER
AUTHORS = """\
oh-kyungha:
  name: 오경하
  email: oh@news.example
  role: 기자
  bio: 도의회를 취재합니다.
  photo: /images/oh.jpg
  links: [https://twitter.com/ohkh, https://www.facebook.com/ohkh]
"""
PAGES = {
    "content/pages/about.md": "---\ntitle: 회사소개\nfooter: 1\n---\n\n소개.\n",
    "content/pages/ethics.md": "---\ntitle: 윤리강령\nfooter: 2\n---\n\n강령.\n",
    "content/pages/ombudsman.md": "---\ntitle: 고충처리인\nfooter: 3\n---\n\n고충.\n",
}


def trust_site(make_site, config: str = CONFIG, **files):
    return make_site({
        "site.toml": config, "data/authors.yaml": AUTHORS,
        "static/images/oh.jpg": jpeg_bytes(), "static/images/lead.jpg": jpeg_bytes(),
        "static/images/card.jpg": jpeg_bytes(1200, 630),
        "content/local/a.md": article_text("사진 기사", author="oh-kyungha",
                                           image="/images/lead.jpg"),
        "content/local/b.md": article_text("글 기사", date="2026-11-21 09:00",
                                           author="oh-kyungha"),
        **PAGES, **files})


def blocks_by_type(path) -> dict:
    return {block["@type"]: block for block in json_ld_blocks(parse_html(path))}


# --- the legal masthead ---------------------------------------------------------------

def test_missing_masthead_items_are_warnings_naming_line_and_law(make_site):
    config = CONFIG.replace('registration = "경기, 아00001"\n', "").replace(
        'youth_officer = "이보호"\n', "")
    site = trust_site(make_site, config)
    result = build_site(site)
    header = config.splitlines().index("[publisher]") + 1
    assert [str(w) for w in result.warnings] == [
        f"site.toml:{header}: warning: publisher.registration: the 등록번호 (registration) "
        "is missing; an internet newspaper must print it (신문 등의 진흥에 관한 법률 제21조)",
        f"site.toml:{header}: warning: publisher.youth_officer: the 청소년보호책임자 "
        "(youth_officer) is missing; an internet newspaper must print it "
        "(신문 등의 진흥에 관한 법률 제9조의2)",
    ]
    assert len(build_site(site).warnings) == 2  # the no-change build says it again


def test_a_site_without_publisher_table_is_warned_of_every_item(make_site):
    site = trust_site(make_site, CONFIG.split("\n[publisher]")[0])
    fields = [w.field for w in build_site(site).warnings]
    assert fields == ["publisher.name", "publisher.registration", "publisher.registered",
                      "publisher.publisher", "publisher.editor", "publisher.address",
                      "publisher.phone", "publisher.youth_officer"]


def test_legal_check_error_stops_the_build_with_exit_1(make_site, capsys):
    config = 'legal_check = "error"\n' + CONFIG.replace('editor = "김편집"\n', "")
    site = trust_site(make_site, config)
    with pytest.raises(BuildFailed):
        build_site(site)
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "site.toml:" in err and "publisher.editor: the 편집인 (editor) is missing" in err
    assert "Traceback" not in err


def test_other_languages_and_legal_check_off_are_not_checked(make_site):
    english = CONFIG.split("\n[publisher]")[0].replace('language = "ko"', 'language = "en"')
    assert build_site(trust_site(make_site, english)).warnings == ()


def test_every_masthead_item_is_in_the_footer_of_every_page(make_site):
    site = trust_site(make_site)
    assert build_site(site).warnings == ()
    values = ["테스트뉴스", "경기, 아00001", "2020.01.02", "홍길동", "김편집",
              "경기도 수원시 팔달구 효원로 1", "031-000-0001", "이보호"]
    for rel in ("index.html", "local/index.html", "local/2026/11/20/a/index.html",
                "about/index.html", "authors/oh-kyungha/index.html", "404.html"):
        shown = [dd.get_text() for dd in parse_html(site / "output" / rel).select(
            ".publisher dd")]
        assert all(value in shown for value in values), rel


# --- structured data --------------------------------------------------------------------

POLICY_URLS = {
    "publishingPrinciples": "https://news.example/ethics/",
    "ethicsPolicy": "https://news.example/ethics/",
    "correctionsPolicy": "https://news.example/ombudsman/",
    "masthead": "https://news.example/about/",
    "actionableFeedbackPolicy": "https://news.example/ombudsman/",
    "ownershipFundingInfo": "https://news.example/about/",
}


@pytest.mark.parametrize("rel", ["index.html", "about/index.html"])
def test_home_and_about_name_the_outlet_and_its_policy_pages(make_site, rel):
    site = trust_site(make_site, 'logo = "/images/oh.jpg"\n' + CONFIG)
    build_site(site)
    blocks = json_ld_blocks(parse_html(site / "output" / rel))
    assert problems(blocks) == []
    outlet = {b["@type"]: b for b in blocks}["NewsMediaOrganization"]
    assert {key: outlet.get(key) for key in POLICY_URLS} == POLICY_URLS
    assert outlet["legalName"] == "주식회사 테스트미디어"
    assert outlet["logo"]["url"] == "https://news.example/images/oh.jpg"
    assert outlet["telephone"] == "031-000-0001"
    assert outlet["contactPoint"]["email"] == "news@news.example"


def test_policy_links_name_only_pages_that_exist_and_follow_the_trust_table(make_site):
    config = CONFIG + '\n[trust]\ncorrections = "/policy/corrections/"\nfeedback = "/contact/"\n'
    site = trust_site(make_site, config, **{
        "content/pages/policy/corrections.md": "---\ntitle: 정정보도 원칙\n---\n\n정정.\n"})
    result = build_site(site)
    outlet = blocks_by_type(site / "output/index.html")["NewsMediaOrganization"]
    assert outlet["correctionsPolicy"] == "https://news.example/policy/corrections/"
    assert "actionableFeedbackPolicy" not in outlet
    line = config.splitlines().index('feedback = "/contact/"') + 1
    assert [str(w) for w in result.warnings] == [
        f"site.toml:{line}: warning: trust.feedback: no page at /contact/ "
        "(add content/pages/contact.md)"]


def test_reporter_page_is_a_profile_page_of_a_person(make_site):
    site = trust_site(make_site)
    build_site(site)
    blocks = json_ld_blocks(parse_html(site / "output/authors/oh-kyungha/index.html"))
    assert problems(blocks) == []
    profile = {b["@type"]: b for b in blocks}["ProfilePage"]
    person = profile["mainEntity"]
    assert person == {
        "@type": "Person", "name": "오경하", "url": "https://news.example/authors/oh-kyungha/",
        "jobTitle": "기자", "description": "도의회를 취재합니다.",
        "image": "https://news.example/images/oh.jpg", "email": "oh@news.example",
        "sameAs": ["https://twitter.com/ohkh", "https://www.facebook.com/ohkh"]}


@pytest.mark.parametrize("rel, image", [
    ("local/2026/11/20/a/index.html", "https://news.example/images/lead.jpg"),
    ("local/2026/11/21/b/index.html", "https://news.example/images/card.jpg"),
])
def test_every_article_has_a_social_image_and_googles_article_properties(make_site, rel, image):
    site = trust_site(make_site, 'default_image = "/images/card.jpg"\n' + CONFIG)
    assert build_site(site).warnings == ()
    page = parse_html(site / "output" / rel)
    blocks = json_ld_blocks(page)
    assert problems(blocks) == []
    article = {b["@type"]: b for b in blocks}["NewsArticle"]
    for key in ("headline", "image", "datePublished", "dateModified", "author"):
        assert article.get(key), key
    assert article["image"] == [image]
    assert article["author"] == [{"@type": "Person", "name": "오경하",
                                  "url": "https://news.example/authors/oh-kyungha/"}]
    assert meta(page, "og:image") == [image]
    assert meta(page, "twitter:image") == [image]
    assert meta(page, "twitter:card") == ["summary_large_image"]


def test_a_small_or_missing_default_image_is_a_warning(make_site):
    site = trust_site(make_site, 'default_image = "/images/oh.jpg"\n' + CONFIG)
    assert [str(w) for w in build_site(site).warnings] == [
        "site.toml:1: warning: default_image: /images/oh.jpg is 64 px wide; social cards "
        "need at least 1200 px"]
    site = trust_site(make_site, 'default_image = "/images/none.jpg"\n' + CONFIG)
    assert "no file /images/none.jpg in static/" in str(build_site(site).warnings[0])


def test_site_verification_codes_become_meta_tags(make_site):
    config = ('naver_site_verification = "abc123naver"\n'
              'google_site_verification = "G-xyz_789"\n' + CONFIG)
    site = trust_site(make_site, config)
    build_site(site)
    page = parse_html(site / "output/index.html")
    assert meta(page, "naver-site-verification") == ["abc123naver"]
    assert meta(page, "google-site-verification") == ["G-xyz_789"]


def test_a_whole_meta_tag_as_verification_code_is_an_error(make_site):
    config = 'naver_site_verification = "<meta name=x>"\n' + CONFIG
    with pytest.raises(BuildFailed) as failure:
        build_site(trust_site(make_site, config))
    assert str(failure.value.problems[0]).startswith(
        "site.toml:1: naver_site_verification: must be the code alone")


def test_robots_txt_lets_yeti_and_googlebot_news_in_by_name(make_site):
    site = trust_site(make_site)
    build_site(site)
    text = (site / "output/robots.txt").read_text()
    assert "User-agent: Yeti\nAllow: /\n" in text
    assert "User-agent: Googlebot-News\nAllow: /\n" in text
    assert "User-agent: *\nDisallow:\n" in text


def test_sample_site_pages_carry_googles_required_and_recommended_properties(sample_site):
    """Article: headline, image, dates, authors with name and url; ProfilePage: mainEntity
    with a name; the home and about pages: the outlet with its policy pages."""
    articles = profiles = linked = 0
    for path in sorted(sample_site.rglob("index.html")):
        for block in json_ld_blocks(parse_html(path)):
            if block["@type"] == "NewsArticle":
                articles += 1
                assert block["headline"] and block["image"], path
                assert block["datePublished"] and block["dateModified"], path
                # Every reporter of data/authors.yaml has a page; a plain byline
                # ("author: 김민지", a contributor) has none to link.
                assert all(a["name"] for a in block["author"]), path
                linked += all("url" in a for a in block["author"])
            elif block["@type"] == "ProfilePage":
                profiles += 1
                assert block["mainEntity"]["@type"] == "Person"
                assert block["mainEntity"]["name"], path
    assert articles >= 30 and profiles == 6 and linked == articles - 1
    for rel in ("index.html", "about/index.html"):
        outlet = blocks_by_type(sample_site / rel)["NewsMediaOrganization"]
        assert {key: outlet.get(key) for key in POLICY_URLS} == {
            key: url.replace("news.example", "awakenews.example")
            for key, url in POLICY_URLS.items()}
