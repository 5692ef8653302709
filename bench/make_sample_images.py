#!/usr/bin/env python3
"""Draw the sample lead images used by the articles in content/.

Deterministic: every image is drawn from fixed shapes and a random generator
seeded with the image name, so re-running the script reproduces the same
pictures. No text is drawn. Requires Pillow (not a dependency of newsgen
itself); run it from a scratch environment:

    python3 -m venv /tmp/imgvenv && /tmp/imgvenv/bin/pip install pillow
    /tmp/imgvenv/bin/python bench/make_sample_images.py

Output: static/images/<name>.jpg (and one .png chart).
"""

from __future__ import annotations

import math
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "images"
W, H = 1600, 900
JPEG_QUALITY = 80
MAX_BYTES = 120_000


# ---------------------------------------------------------------- helpers

def rng_for(name: str) -> random.Random:
    return random.Random(zlib.crc32(name.encode("utf-8")))


def lerp(a, b, t):
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))


def gradient(size, top, bottom):
    w, h = size
    img = Image.new("RGB", size, top)
    d = ImageDraw.Draw(img)
    for y in range(h):
        d.line([(0, y), (w, y)], fill=lerp(top, bottom, y / max(1, h - 1)))
    return img


def hills(d, rng, base_y, amp, color, waves=3):
    phase = rng.uniform(0, math.tau)
    pts = [(0, H)]
    for x in range(0, W + 20, 20):
        y = base_y + amp * math.sin(x / W * math.tau * waves / 2 + phase)
        y += amp * 0.35 * math.sin(x / W * math.tau * waves * 1.7 + phase * 2)
        pts.append((x, y))
    pts.append((W, H))
    d.polygon(pts, fill=color)


def skyline(d, rng, base_y, color, window=None, count=14, min_h=120, max_h=380):
    x = -20
    while x < W:
        bw = rng.randint(70, 150)
        bh = rng.randint(min_h, max_h)
        d.rectangle([x, base_y - bh, x + bw, base_y], fill=color)
        if window:
            for wy in range(base_y - bh + 18, base_y - 20, 28):
                for wx in range(x + 12, x + bw - 16, 22):
                    if rng.random() < 0.55:
                        d.rectangle([wx, wy, wx + 10, wy + 14], fill=window)
        x += bw + rng.randint(6, 24)


def person(d, x, y, scale, color):
    r = 14 * scale
    d.ellipse([x - r, y - 7 * r, x + r, y - 5 * r], fill=color)
    d.rounded_rectangle([x - 1.6 * r, y - 4.8 * r, x + 1.6 * r, y - 1.6 * r], radius=r, fill=color)
    d.rectangle([x - 1.2 * r, y - 1.8 * r, x - 0.2 * r, y], fill=color)
    d.rectangle([x + 0.2 * r, y - 1.8 * r, x + 1.2 * r, y], fill=color)


def tree(d, x, y, s, trunk, leaf):
    d.rectangle([x - 6 * s, y - 60 * s, x + 6 * s, y], fill=trunk)
    d.ellipse([x - 45 * s, y - 150 * s, x + 45 * s, y - 50 * s], fill=leaf)


def finish(img, name, blur=1.2):
    img = img.filter(ImageFilter.GaussianBlur(blur))
    path = OUT / name
    if name.endswith(".png"):
        img.save(path, "PNG", optimize=True)
        return path
    q = JPEG_QUALITY
    while True:
        img.save(path, "JPEG", quality=q, optimize=True, progressive=True)
        if path.stat().st_size <= MAX_BYTES or q <= 50:
            return path
        q -= 5


# ---------------------------------------------------------------- scenes

def protest(name):  # 냉천지구 1인 시위: apartment blocks, one person with a sign
    rng = rng_for(name)
    img = gradient((W, H), (176, 196, 214), (226, 230, 232))
    d = ImageDraw.Draw(img)
    skyline(d, rng, 640, (150, 158, 170), (196, 204, 214), min_h=260, max_h=520)
    d.rectangle([0, 640, W, H], fill=(120, 122, 126))
    d.rectangle([0, 700, W, 712], fill=(220, 220, 220))
    person(d, 820, 820, 2.2, (48, 52, 64))
    d.rectangle([770, 560, 900, 720], fill=(250, 250, 244), outline=(200, 40, 40), width=8)
    d.line([(835, 720), (835, 760)], fill=(90, 70, 50), width=8)
    return finish(img, name)


def bus(name):  # 수원시청 앞 정류장
    rng = rng_for(name)
    img = gradient((W, H), (135, 190, 235), (214, 234, 246))
    d = ImageDraw.Draw(img)
    skyline(d, rng, 600, (205, 200, 190), (160, 180, 200))
    d.rectangle([0, 600, W, H], fill=(96, 98, 104))
    d.rectangle([0, 590, W, 612], fill=(190, 186, 178))
    for x in range(0, W, 160):
        d.rectangle([x, 760, x + 90, 772], fill=(235, 235, 235))
    d.rounded_rectangle([360, 430, 1220, 720], radius=40, fill=(40, 140, 90))
    d.rectangle([360, 600, 1220, 640], fill=(30, 110, 70))
    for wx in range(400, 1160, 120):
        d.rounded_rectangle([wx, 470, wx + 100, 560], radius=10, fill=(190, 225, 240))
    for cx in (500, 1080):
        d.ellipse([cx - 55, 665, cx + 55, 775], fill=(30, 30, 34))
        d.ellipse([cx - 22, 698, cx + 22, 742], fill=(150, 150, 150))
    d.rectangle([1330, 380, 1345, 620], fill=(70, 70, 80))
    d.rectangle([1300, 380, 1480, 420], fill=(30, 90, 160))
    return finish(img, name)


def city_hall(name):  # 의왕시청 전경
    rng = rng_for(name)
    img = gradient((W, H), (120, 170, 225), (222, 236, 248))
    d = ImageDraw.Draw(img)
    hills(d, rng, 470, 40, (120, 160, 120))
    d.rectangle([380, 300, 1220, 700], fill=(226, 222, 214))
    d.rectangle([700, 220, 900, 700], fill=(210, 206, 198))
    for wy in range(330, 680, 50):
        for wx in range(410, 1200, 60):
            if not 700 <= wx <= 890:
                d.rectangle([wx, wy, wx + 36, wy + 30], fill=(110, 140, 170))
    d.rectangle([740, 590, 860, 700], fill=(80, 100, 120))
    d.rectangle([0, 700, W, H], fill=(140, 170, 110))
    d.rectangle([0, 760, W, 820], fill=(170, 168, 160))
    for x in range(60, W, 180):
        tree(d, x, 720, 0.9, (100, 80, 60), (70, 130, 80))
    return finish(img, name)


def assembly(name):  # 도의회 회의실: curved desks, screens
    rng = rng_for(name)
    img = gradient((W, H), (92, 70, 56), (150, 120, 96))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, W, 260], fill=(60, 48, 40))
    d.rectangle([560, 60, 1040, 230], fill=(40, 80, 120))
    for i in range(4):
        y = 420 + i * 110
        d.arc([-200 - i * 80, y - 260, W + 200 + i * 80, y + 160], 20, 160,
              fill=(200, 170, 130), width=34)
    for i in range(26):
        x = 180 + i * 48 + rng.randint(-8, 8)
        y = 540 + int(120 * math.sin(i / 25 * math.pi))
        d.ellipse([x - 12, y - 12, x + 12, y + 12], fill=(40, 36, 40))
    return finish(img, name)


def smart_square(name):  # 평촌스마트스퀘어 glass towers
    rng = rng_for(name)
    img = gradient((W, H), (100, 150, 210), (230, 240, 250))
    d = ImageDraw.Draw(img)
    x = 80
    for _ in range(7):
        bw, bh = rng.randint(140, 210), rng.randint(380, 700)
        c = lerp((120, 160, 200), (180, 200, 220), rng.random())
        d.rectangle([x, 760 - bh, x + bw, 760], fill=c)
        for gy in range(760 - bh, 760, 24):
            d.line([(x, gy), (x + bw, gy)], fill=lerp(c, (255, 255, 255), 0.3), width=2)
        x += bw + rng.randint(20, 60)
    d.rectangle([0, 760, W, H], fill=(150, 160, 150))
    for tx in range(40, W, 120):
        tree(d, tx, 800, 0.6, (90, 70, 50), (80, 150, 90))
    return finish(img, name)


def price_chart(name):  # bar chart of price change (PNG, no text)
    img = Image.new("RGB", (1200, 800), (250, 250, 248))
    d = ImageDraw.Draw(img)
    values = [2.41, 1.95, 0.62, 0.71, 0.44, 0.03, -0.05]
    zero_y, scale = 600, 180
    for gy in range(120, 700, 60):
        d.line([(100, gy), (1120, gy)], fill=(228, 228, 226), width=2)
    d.line([(100, zero_y), (1120, zero_y)], fill=(80, 80, 80), width=3)
    bw = 100
    for i, v in enumerate(values):
        x = 150 + i * 135
        top = zero_y - v * scale
        color = (200, 60, 60) if v > 0 else (60, 90, 200)
        d.rectangle([x, min(top, zero_y), x + bw, max(top, zero_y) + (3 if v == 0 else 0)],
                    fill=color)
    return finish(img, name, blur=0)


def reservoir(name):  # 용수: lake, pipes, treatment tanks
    rng = rng_for(name)
    img = gradient((W, H), (150, 195, 230), (235, 240, 244))
    d = ImageDraw.Draw(img)
    hills(d, rng, 430, 50, (90, 130, 100), waves=4)
    hills(d, rng, 500, 30, (110, 150, 110), waves=2)
    d.ellipse([-200, 560, 900, 980], fill=(70, 130, 170))
    for cx in (1050, 1250, 1450):
        d.ellipse([cx - 90, 600, cx + 90, 690], fill=(200, 205, 210))
        d.rectangle([cx - 90, 645, cx + 90, 760], fill=(190, 196, 202))
        d.ellipse([cx - 90, 715, cx + 90, 805], fill=(175, 182, 190))
    d.rectangle([700, 770, W, 800], fill=(90, 110, 140))
    return finish(img, name)


def snow(name):  # 제설차량
    rng = rng_for(name)
    img = gradient((W, H), (170, 180, 195), (232, 236, 240))
    d = ImageDraw.Draw(img)
    skyline(d, rng, 560, (150, 156, 168), (210, 200, 150))
    d.rectangle([0, 560, W, H], fill=(244, 246, 250))
    d.polygon([(500, H), (760, 560), (840, 560), (1100, H)], fill=(120, 124, 130))
    d.rounded_rectangle([620, 610, 980, 800], radius=20, fill=(240, 150, 30))
    d.rectangle([660, 630, 800, 700], fill=(160, 200, 230))
    d.polygon([(580, 800), (1020, 800), (1060, 860), (540, 860)], fill=(200, 200, 50))
    for _ in range(260):
        x, y = rng.randint(0, W), rng.randint(0, H)
        r = rng.choice((3, 4, 5))
        d.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255))
    return finish(img, name, blur=1.0)


def speaker(name):  # 거실 탁자 위 AI 스피커
    img = gradient((W, H), (236, 222, 200), (210, 190, 165))
    d = ImageDraw.Draw(img)
    d.rectangle([1000, 80, 1400, 420], fill=(250, 244, 230), outline=(170, 150, 120), width=10)
    d.rectangle([1020, 100, 1380, 400], fill=(190, 220, 235))
    d.rectangle([0, 620, W, H], fill=(140, 100, 70))
    d.rectangle([0, 600, W, 630], fill=(160, 118, 84))
    d.rounded_rectangle([650, 330, 950, 620], radius=60, fill=(245, 245, 240))
    for y in range(380, 560, 22):
        d.line([(690, y), (910, y)], fill=(215, 215, 210), width=8)
    d.ellipse([770, 340, 830, 365], fill=(80, 170, 230))
    d.ellipse([250, 470, 420, 610], fill=(120, 160, 110))
    d.rectangle([300, 540, 370, 610], fill=(190, 120, 80))
    return finish(img, name)


def media_art(name):  # 수원화성 night wall with lights
    rng = rng_for(name)
    img = gradient((W, H), (12, 16, 48), (40, 30, 80))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 520, W, 760], fill=(70, 62, 60))
    for x in range(0, W, 60):
        d.rectangle([x, 490, x + 36, 520], fill=(70, 62, 60))
    d.polygon([(640, 520), (800, 380), (960, 520)], fill=(60, 40, 40))
    d.rectangle([660, 430, 940, 520], fill=(90, 50, 50))
    d.pieslice([740, 590, 860, 740], 180, 360, fill=(20, 20, 30))
    d.rectangle([740, 665, 860, 760], fill=(20, 20, 30))
    for _ in range(18):
        cx, cy = rng.randint(0, W), rng.randint(540, 740)
        c = rng.choice([(255, 120, 200), (90, 220, 255), (255, 210, 90), (150, 120, 255)])
        r = rng.randint(30, 80)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
    for i in range(6):
        d.line([(800, 900), (200 + i * 240, 0)], fill=(120, 200, 255), width=5)
    d.rectangle([0, 760, W, H], fill=(30, 30, 40))
    return finish(img, name, blur=3.0)


def art_park(name):  # 계곡 숲속 조형물
    rng = rng_for(name)
    img = gradient((W, H), (170, 210, 190), (120, 160, 130))
    d = ImageDraw.Draw(img)
    hills(d, rng, 380, 60, (70, 120, 80), waves=3)
    for _ in range(30):
        tree(d, rng.randint(0, W), rng.randint(480, 620), rng.uniform(0.8, 1.4),
             (80, 60, 40), lerp((50, 110, 60), (110, 160, 80), rng.random()))
    d.polygon([(600, H), (760, 640), (880, 640), (1100, H)], fill=(120, 170, 200))
    d.polygon([(1180, 780), (1260, 420), (1340, 780)], fill=(220, 80, 60))
    d.ellipse([1200, 360, 1320, 480], fill=(240, 200, 60))
    return finish(img, name)


def festival(name):  # 공원 잔디 야외 무대
    rng = rng_for(name)
    img = gradient((W, H), (250, 180, 120), (140, 190, 230))
    d = ImageDraw.Draw(img)
    hills(d, rng, 520, 30, (90, 150, 90))
    d.rectangle([0, 600, W, H], fill=(110, 170, 90))
    d.rectangle([450, 360, 1150, 620], fill=(50, 50, 60))
    d.rectangle([430, 330, 1170, 370], fill=(200, 60, 60))
    d.rectangle([480, 400, 1120, 600], fill=(240, 200, 120))
    for _ in range(12):
        person(d, rng.randint(520, 1080), 600, 1.0, (80, 40, 90))
    for i in range(60):
        x = 40 + (i % 20) * 80 + rng.randint(-10, 10)
        y = 720 + (i // 20) * 60
        person(d, x, y, 1.1, lerp((40, 40, 60), (120, 60, 60), rng.random()))
    for x in range(0, W, 50):
        d.polygon([(x, 300), (x + 25, 300), (x + 12, 330)],
                  fill=rng.choice([(230, 60, 60), (60, 120, 230), (250, 210, 50)]))
    return finish(img, name)


def azalea(name):  # 철쭉동산
    rng = rng_for(name)
    img = gradient((W, H), (160, 200, 240), (230, 240, 250))
    d = ImageDraw.Draw(img)
    hills(d, rng, 380, 50, (110, 150, 110), waves=2)
    hills(d, rng, 480, 80, (200, 80, 130), waves=3)
    for _ in range(900):
        x, y = rng.randint(0, W), rng.randint(460, H)
        r = rng.randint(8, 18)
        c = lerp((230, 90, 150), (250, 160, 200), rng.random())
        d.ellipse([x - r, y - r, x + r, y + r], fill=c)
    d.polygon([(700, H), (780, 520), (820, 520), (960, H)], fill=(190, 170, 140))
    return finish(img, name, blur=1.6)


def kimjang(name):  # 천막 아래 김장
    rng = rng_for(name)
    img = gradient((W, H), (190, 210, 230), (230, 235, 240))
    d = ImageDraw.Draw(img)
    d.polygon([(100, 300), (800, 120), (1500, 300)], fill=(240, 240, 245))
    d.rectangle([100, 300, 1500, 340], fill=(60, 110, 180))
    for x in (130, 800, 1470):
        d.rectangle([x - 8, 300, x + 8, 700], fill=(150, 150, 160))
    d.rectangle([0, 700, W, H], fill=(150, 150, 150))
    for row in range(2):
        y = 600 + row * 140
        d.rectangle([150, y, 1450, y + 40], fill=(60, 140, 200))
        for _ in range(30):
            cx = rng.randint(170, 1430)
            d.ellipse([cx - 30, y - 20, cx + 30, y + 20], fill=(220, 70, 50))
        for i in range(9):
            person(d, 220 + i * 145, y - 10, 0.9, (230, 80, 90))
    return finish(img, name)


SCENES = {
    "anyang-naengcheon-protest.jpg": protest,
    "suwon-bus.jpg": bus,
    "uiwang-city-hall.jpg": city_hall,
    "gyeonggi-assembly.jpg": assembly,
    "pyeongchon-smart-square.jpg": smart_square,
    "apartment-price-chart.png": price_chart,
    "yongin-water-pipeline.jpg": reservoir,
    "anyang-snow-removal.jpg": snow,
    "elderly-care-speaker.jpg": speaker,
    "hwaseong-media-art.jpg": media_art,
    "anyang-art-park.jpg": art_park,
    "gwacheon-festival.jpg": festival,
    "gunpo-azalea.jpg": azalea,
    "kimjang-sharing.jpg": kimjang,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in SCENES.items():
        path = draw(name)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:>7} bytes")


if __name__ == "__main__":
    main()
