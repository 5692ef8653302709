"""Lead images: resized WebP and original-format copies, srcset markup, lazy loading, caching."""

import io
import os
import re

import pytest
from conftest import article_text, build_site, jpeg_bytes, parse_html
from PIL import Image

from generator.core.errors import BuildFailed
from generator.render import images

ARTICLE = "local/2026/11/20/suwon-bus-route-reform/index.html"


def png_bytes(width: int, height: int, color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def photo_site(make_site, image: bytes = None, name="a.jpg"):
    return make_site({
        "content/local/a.md": article_text(image=f"/images/{name}", image_alt="사진 설명",
                                           image_caption="사진 캡션"),
        f"static/images/{name}": image or jpeg_bytes(1600, 900),
    })


def test_lead_image_gets_webp_and_jpeg_copies_320_640_1280_wide(sample_site):
    made = sorted(p.name for p in (sample_site / "images").glob("suwon-bus-*"))
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".#.", n) for n in made] == [
        "suwon-bus-1280w.#.jpg", "suwon-bus-1280w.#.webp", "suwon-bus-320w.#.jpg",
        "suwon-bus-320w.#.webp", "suwon-bus-640w.#.jpg", "suwon-bus-640w.#.webp"]
    for name in made:
        with Image.open(sample_site / "images" / name) as image:
            width = int(re.search(r"-(\d+)w\.", name).group(1))
            assert image.size == (width, round(900 * width / 1600))
            assert image.format == ("WEBP" if name.endswith(".webp") else "JPEG")


def test_picture_markup_has_srcset_sizes_and_dimensions(sample_site):
    figure = parse_html(sample_site / ARTICLE).select_one("figure.lead-image")
    source = figure.select_one("picture source")
    img = figure.select_one("picture img")
    assert source["type"] == "image/webp"
    widths = [int(w) for w in re.findall(r" (\d+)w", source["srcset"])]
    assert widths == [320, 640, 1280] == [int(w) for w in re.findall(r" (\d+)w", img["srcset"])]
    assert source["sizes"] == img["sizes"] and "100vw" in img["sizes"]
    assert (img["width"], img["height"]) == ("1280", "720")
    assert img["src"].endswith(".jpg") and "-1280w." in img["src"]
    assert img["alt"] == "수원시청 앞 정류장에 시내버스가 정차해 있다"
    for url in re.findall(r"(\S+) \d+w", source["srcset"] + ", " + img["srcset"]):
        assert (sample_site / url.lstrip("/")).is_file(), url


def test_png_keeps_png_copies_and_is_never_enlarged(sample_site):
    made = sorted(p.name for p in (sample_site / "images").glob("apartment-price-chart-*"))
    assert len(made) == 6 and all(n.endswith((".png", ".webp")) for n in made)
    assert any("-1200w." in n for n in made) and not any("-1280w." in n for n in made)


def test_images_above_the_fold_load_at_once_and_the_rest_lazily(sample_site):
    article = parse_html(sample_site / ARTICLE)
    lead = article.select_one("figure.lead-image img")
    assert not lead.has_attr("loading") and lead["fetchpriority"] == "high"
    listing = parse_html(sample_site / "local/index.html")
    cards = listing.select(".cards .card")
    assert not any(img.has_attr("loading") for card in cards[:2] for img in card.select("img"))
    later = [img for card in cards[2:] for img in card.select("img")]
    assert later and all(img["loading"] == "lazy" for img in later)
    home = parse_html(sample_site / "index.html")
    assert not home.select_one(".top-story img").has_attr("loading")
    assert all(img["loading"] == "lazy" for img in home.select(".section-boxes img"))


def test_missing_image_is_a_build_error_naming_the_article(make_site):
    site = make_site({"content/local/x.md": article_text(image="/images/a.jpg")})
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert [str(p) for p in failed.value.problems] == [
        "content/local/x.md:4: image: '/images/a.jpg' does not exist in static/"]
    assert not (site / "output").exists()


def test_unreadable_image_is_a_build_error(make_site):
    site = photo_site(make_site, b"not a picture")
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert "image: '/images/a.jpg' is not an image Pillow can read" in str(failed.value)


def test_rebuild_reuses_variants_without_opening_images(make_site, monkeypatch):
    site = photo_site(make_site)
    build_site(site)
    cached = {p: p.stat().st_mtime_ns for p in (site / ".newsgen-cache/images").rglob("*.*")}
    os.unlink(site / "output")  # `rm -rf output`: output/ is a link to the built tree

    def fail(*args):
        raise AssertionError("variants were made again")

    monkeypatch.setattr(images, "_make_variants", fail)
    build_site(site)
    assert {p: p.stat().st_mtime_ns for p in cached} == cached
    assert len(list((site / "output/images").glob("a-*w.*"))) == 6


def test_changed_image_gets_new_copies_and_pages_follow(make_site, tmp_path):
    site = photo_site(make_site)
    build_site(site)
    (site / "static/images/a.jpg").write_bytes(jpeg_bytes(800, 600, (10, 200, 10)))
    build_site(site)
    page = (site / "output/local/2026/11/20/a/index.html").read_text("utf-8")
    shown = sorted(set(re.findall(r"/images/(a-\d+w\.[0-9a-f]{8}\.\w+)", page)))
    assert sorted(p.name for p in (site / "output/images").glob("a-*")) == shown
    assert [n for n in shown if n.endswith(".jpg")][-1].startswith("a-800w.")
    clean = tmp_path / "clean"
    build_site(site, output=clean, clean=True, cache_dir=tmp_path / "fresh-cache")
    assert (clean / "local/2026/11/20/a/index.html").read_text("utf-8") == page


def test_small_image_is_used_at_its_own_width(make_site):
    site = photo_site(make_site, png_bytes(300, 200), "small.png")
    build_site(site)
    img = parse_html(site / "output/local/2026/11/20/a/index.html").select_one("figure img")
    assert img["srcset"].endswith(" 300w") and (img["width"], img["height"]) == ("300", "200")
