"""Generate a deterministic Korean news corpus as a newsgen site folder.

`python bench/corpus.py 10000 bench/work/corpus-10000` writes site.toml,
data/authors.yaml and content/<section>/<year>/<slug>.md. Article i always
comes from the same seed, so two runs give the same bytes. Bodies are 1.5-4 KB
of Markdown with headings, lists, links, images and quotes; dates spread over
five and a half years; eight reporters; a few hundred tags. The front matter
is read by both newsgen and Hugo (slug set explicitly, ISO dates with offset).
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEOUL = timezone(timedelta(hours=9))
START = datetime(2021, 1, 1, 6, 0, tzinfo=SEOUL)
SPAN = datetime(2026, 6, 30, 22, 0, tzinfo=SEOUL) - START

SECTIONS = [("local", "지방자치"), ("politics-economy", "정치·경제"), ("society", "사회"),
            ("life-culture", "라이프·문화")]
REPORTERS = {
    "oh-kyungha": "오경하", "park-jiwon": "박지원", "lee-seoyeon": "이서연",
    "kim-taehoon": "김태훈", "jung-haneul": "정하늘", "choi-minseok": "최민석",
    "han-yujin": "한유진", "seo-dohyun": "서도현",
}
LEAD_IMAGES_PER_CITY = 50
CITIES = [("수원시", "suwon"), ("성남시", "seongnam"), ("용인시", "yongin"), ("안양시", "anyang"),
          ("부천시", "bucheon"), ("광명시", "gwangmyeong"), ("평택시", "pyeongtaek"),
          ("안산시", "ansan"), ("고양시", "goyang"), ("과천시", "gwacheon"), ("구리시", "guri"),
          ("남양주시", "namyangju"), ("오산시", "osan"), ("시흥시", "siheung"),
          ("군포시", "gunpo"), ("의왕시", "uiwang"), ("하남시", "hanam"), ("파주시", "paju"),
          ("이천시", "icheon"), ("안성시", "anseong"), ("김포시", "gimpo"),
          ("화성시", "hwaseong"), ("광주시", "gwangju"), ("양주시", "yangju"),
          ("포천시", "pocheon"), ("여주시", "yeoju"), ("연천군", "yeoncheon"),
          ("가평군", "gapyeong"), ("양평군", "yangpyeong"), ("의정부시", "uijeongbu"),
          ("동두천시", "dongducheon")]
TOPICS = {
    "local": [("예산안", "budget"), ("조례 개정", "ordinance"), ("행정혁신", "reform"),
              ("주민참여예산", "participatory-budget"), ("시의회 임시회", "council"),
              ("조직개편", "organization"), ("민원 서비스", "civil-service"),
              ("도시재생", "urban-renewal"), ("스마트시티", "smart-city")],
    "politics-economy": [("일자리", "jobs"), ("부동산 시장", "housing"), ("반도체 단지", "chips"),
                         ("소상공인 지원", "small-business"), ("지역화폐", "local-currency"),
                         ("수출 실적", "exports"), ("창업 지원", "startups"),
                         ("물가 대책", "prices"), ("투자 유치", "investment")],
    "society": [("복지", "welfare"), ("교육", "education"), ("안전 점검", "safety"),
                ("교통 대책", "traffic"), ("돌봄", "care"), ("환경 정비", "environment"),
                ("재난 대응", "disaster"), ("청년 정책", "youth"), ("의료 지원", "health")],
    "life-culture": [("축제", "festival"), ("공연", "concert"), ("전시", "exhibition"),
                     ("도서관", "library"), ("체육대회", "sports"), ("관광", "tourism"),
                     ("전통시장", "market"), ("문화유산", "heritage"), ("생활체육", "recreation")],
}
SUBJECTS = ["시는", "도는", "시의회는", "관계자는", "주민들은", "전문가들은", "위원회는",
            "추진단은", "센터는", "협의체는"]
OBJECTS = ["관련 예산을", "세부 계획을", "추진 일정을", "지원 대상을", "운영 방안을",
           "개선 과제를", "현장 의견을", "성과 지표를", "협력 체계를", "후속 조치를"]
VERBS = ["확정했다고 밝혔다", "검토하고 있다", "발표했다", "마련할 계획이다",
         "점검했다", "논의했다", "확대하기로 했다", "추진한다고 전했다", "공개했다",
         "보완할 방침이다"]
CONNECTIVES = ["이에 따라", "한편", "특히", "또한", "아울러", "이와 함께", "다만", "이날"]
DETAILS = ["올해 상반기까지", "내년 1월부터", "오는 3월 중", "연말까지", "다음 달부터",
           "2단계 사업으로", "시범 운영을 거쳐", "전문가 자문을 통해", "주민 설명회 후"]
HEADLINE_ENDS = ["본격 추진", "확대 시행", "새 기준 마련", "현장 점검", "성과 공유",
                 "주민 의견 수렴"]
NOUNS = ["정책", "사업", "시설", "프로그램", "제도", "서비스", "협약", "예산", "계획", "현장"]
EXTRA_TAGS = ["경기도", "도의회", "청년", "노인", "어린이", "교통", "환경", "기후", "탄소중립",
              "인공지능", "빅데이터", "주거", "일자리", "복지", "교육", "안전", "재난", "축제",
              "관광", "문화", "체육", "농업", "소상공인", "전통시장", "도서관", "공원", "하천",
              "미세먼지", "저출생", "돌봄"]


def article(index: int, total: int) -> tuple[str, str]:
    """The relative path and text of article `index` (0 = oldest) in a corpus of `total`."""
    rng = random.Random(f"newsgen-bench-{index}")
    section, _ = SECTIONS[rng.randrange(len(SECTIONS))]
    city, city_slug = rng.choice(CITIES)
    topic, topic_slug = rng.choice(TOPICS[section])
    moment = START + SPAN * (index / max(total, 1)) + timedelta(minutes=rng.randrange(50))
    slug = f"{city_slug}-{topic_slug}-{index:06d}"
    reporter = rng.choice(list(REPORTERS))
    tags = [city, topic, *rng.sample(EXTRA_TAGS, rng.randint(1, 3))]
    title = f"{city}, {topic} {rng.choice(HEADLINE_ENDS)}"
    lines = ["---", f'title: "{title}"',
             f'subtitle: "-{city} {rng.choice(NOUNS)} {rng.choice(["개편", "강화", "첫 시행"])}"',
             f"date: {moment.replace(second=0, microsecond=0).isoformat()}",
             f"authors: [{reporter}]", f"tags: [{', '.join(tags)}]", f"slug: {slug}"]
    if rng.random() < 0.4:
        lines += [f"image: /images/{city_slug}-{index % LEAD_IMAGES_PER_CITY}.jpg",
                  f'image_alt: "{city} {topic} 현장"',
                  f'image_caption: "{city} {topic} 관련 행사 모습 (사진={city})"']
    lines += ["---", "", _body(rng, city, topic), ""]
    return f"content/{section}/{moment.year}/{slug}.md", "\n".join(lines)


def _body(rng: random.Random, city: str, topic: str) -> str:
    target = rng.randint(1500, 4000)
    parts = [_paragraph(rng, city, topic, lead=True)]
    size = len(parts[0].encode())
    while size < target:
        kind = rng.random()
        if kind < 0.12:
            ending = rng.choice(["주요 내용", "향후 계획", "현장 반응"])
            block = f"## {city} {topic} {rng.choice(NOUNS)} {ending}"
        elif kind < 0.22:
            block = "\n".join(f"- {rng.choice(DETAILS)} {rng.choice(NOUNS)} {rng.choice(OBJECTS)}"
                              f" {rng.choice(VERBS)}" for _ in range(rng.randint(2, 5)))
        elif kind < 0.27:
            block = f"![{city} {topic}](/images/{rng.randrange(50)}.jpg)"
        elif kind < 0.33:
            block = f"> “{rng.choice(DETAILS)} {topic} {rng.choice(OBJECTS)} {rng.choice(VERBS)}”"
        else:
            block = _paragraph(rng, city, topic)
        parts.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(parts)


def _paragraph(rng: random.Random, city: str, topic: str, lead: bool = False) -> str:
    sentences = []
    if lead:
        sentences.append(f"{city}가 {topic}을(를) 위한 {rng.choice(NOUNS)} {rng.choice(OBJECTS)} "
                         f"{rng.choice(VERBS)}.")
    emphasis = rng.random() < 0.1
    for _ in range(rng.randint(2, 4)):
        link = ""
        if rng.random() < 0.15:
            address = f"https://www.example.go.kr/{rng.randrange(999)}"
            link = f" 자세한 내용은 [{city} 누리집]({address})에서 볼 수 있다"
        subject = f"**{topic}**" if emphasis else topic
        sentences.append(f"{rng.choice(CONNECTIVES)} {rng.choice(SUBJECTS)} {rng.choice(DETAILS)} "
                         f"{subject} {rng.choice(OBJECTS)} {rng.choice(VERBS)}.{link}")
    return " ".join(sentences)


LEAD_IMAGES = 12

SITE_TOML = """\
title = "벤치뉴스"
description = "newsgen 성능 측정용 가상 지역 언론"
base_url = "https://bench.example/"
language = "ko"
timezone = "Asia/Seoul"
page_size = 20
latest_count = 10
box_count = 5
"""


def write_corpus(total: int, folder: Path) -> None:
    """Write a complete site folder with `total` articles."""
    folder.mkdir(parents=True, exist_ok=True)
    sections = "".join(f'\n[[sections]]\nslug = "{s}"\nname = "{n}"\n' for s, n in SECTIONS)
    (folder / "site.toml").write_text(SITE_TOML + sections, encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    authors = "".join(f"{key}:\n  name: {name}\n  email: {key}@bench.example\n"
                      for key, name in REPORTERS.items())
    (folder / "data" / "authors.yaml").write_text(authors, encoding="utf-8")
    write_images(folder / "static" / "images")
    for index in range(total):
        rel, text = article(index, total)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    write_lead_images(folder)


def write_lead_images(folder: Path) -> None:
    """The lead photos articles name (a missing one stops the build): small JPEGs."""
    from PIL import Image

    images = folder / "static" / "images"
    images.mkdir(parents=True, exist_ok=True)
    for number, (_, slug) in enumerate(CITIES):
        for index in range(LEAD_IMAGES_PER_CITY):
            color = (number * 37 % 256, index * 5 % 256, 120)
            Image.new("RGB", (160, 90), color).save(images / f"{slug}-{index}.jpg", quality=70)


def write_images(folder: Path) -> None:
    """A few lead photos (plain colour JPEGs) that the articles share."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(LEAD_IMAGES):
        colour = (40 + number * 15, 90, 160 - number * 8)
        Image.new("RGB", (800, 450), colour).save(folder / f"lead-{number}.jpg", quality=80)


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
