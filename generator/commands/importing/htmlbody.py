"""Old CMS HTML to the Markdown of an article body.

markdownify does the conversion; this module only prepares what it cannot
know: WordPress keeps classic posts without <p> tags (its `wpautop` adds them
when it shows a post), marks blocks with comments (`<!-- wp:image -->`) and
the teaser's end with `<!--more-->`, and writes captions, galleries and embeds
as shortcodes. Scripts, styles and forms are dropped (a static page must not
run the old site's code) and reported; an iframe becomes a link to what it
showed, so no text or destination is lost silently.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment
from markdownify import ATX, MarkdownConverter

BLOCK_TAGS = ("address|article|aside|blockquote|dd|div|dl|dt|fieldset|figcaption|figure|"
              "footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|"
              "tfoot|th|thead|tr|ul|iframe|script|style|audio|video")
BLOCK_START = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)
BLOCK_OPEN = re.compile(rf"<(?:{BLOCK_TAGS})\b[^>]*>", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"</(?:{BLOCK_TAGS})>", re.IGNORECASE)
PRE_RE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
CAPTION_RE = re.compile(r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
GALLERY_RE = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
EMBED_RE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
MEDIA_RE = re.compile(r"\[(audio|video)\b([^\]]*)\](?:\s*\[/\1\])?", re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))""")
DROPPED = ("script", "style", "form", "noscript", "object", "embed")


@dataclass
class Conversion:
    """A body's Markdown and what a person should look at."""

    markdown: str = ""
    warnings: list[str] = field(default_factory=list)
    remote_images: list[str] = field(default_factory=list)


class BodyConverter(MarkdownConverter):
    """markdownify with ATX headings, '-' bullets and images kept as they are."""

    def __init__(self, **options):
        super().__init__(heading_style=ATX, bullets="-", escape_misc=False,
                         keep_inline_images_in=["td", "th", "a", "figure", "li"], **options)


def shortcode_attributes(text: str) -> dict[str, str]:
    """The attributes of a shortcode's opening tag: `ids="1,2" columns=3`."""
    return {m[0].lower(): html.unescape(m[1] or m[2] or m[3])
            for m in ATTRIBUTE_RE.findall(text)}


def autop(text: str) -> str:
    """WordPress's paragraphs for classic posts: blank lines part them, a single line
    break is a <br>; text already in block tags and <pre> is left alone."""
    kept: list[str] = []

    def hold(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\n\n<!--pre{len(kept) - 1}-->\n\n"

    text = PRE_RE.sub(hold, text.replace("\r\n", "\n"))
    # As wpautop does: a block tag starts and ends a paragraph of its own.
    text = BLOCK_OPEN.sub(lambda m: "\n\n" + m.group(0), text)
    text = BLOCK_CLOSE.sub(lambda m: m.group(0) + "\n\n", text)
    chunks = []
    for chunk in re.split(r"\n\s*\n", text):
        if not chunk.strip():
            continue
        if BLOCK_START.match(chunk) or chunk.strip().startswith("<!--"):
            chunks.append(chunk)
        else:
            # A line break beside a tag is layout; between words it is a <br>.
            lines = re.sub(r"(?<=[^>\s])[ \t]*\n(?=\s*[^<\s])", "<br />\n", chunk.strip())
            chunks.append(f"<p>{lines}</p>")
    joined = "\n\n".join(chunks)
    return re.sub(r"<!--pre(\d+)-->", lambda m: kept[int(m.group(1))], joined)


def expand_shortcodes(text: str, media_url: Callable[[str], str | None],
                      children: list[str]) -> str:
    """[caption], [gallery], [embed], [audio] and [video] as the HTML they stand for.

    `media_url(id)` finds an attachment's URL; `children` are the URLs of the
    post's own attachments, which a [gallery] without ids shows.
    """
    def caption(match: re.Match) -> str:
        attributes = shortcode_attributes(match.group(1))
        inner = match.group(2)
        image = re.search(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", inner, re.IGNORECASE)
        picture = image.group(0) if image else ""
        text = (inner.replace(picture, "", 1) if image else inner).strip()
        words = attributes.get("caption") or text
        return f"<figure>{picture}<figcaption>{words}</figcaption></figure>"

    def gallery(match: re.Match) -> str:
        attributes = shortcode_attributes(match.group(1))
        ids = [i.strip() for i in attributes.get("ids", "").split(",") if i.strip()]
        urls = [media_url(i) for i in ids] if ids else list(children)
        images = "".join(f'<img src="{html.escape(url)}" alt="">' for url in urls if url)
        return f"<p>{images}</p>" if images else ""

    def embed(match: re.Match) -> str:
        url = html.escape(match.group(1).strip())
        return f'<p><a href="{url}">{url}</a></p>'

    def media(match: re.Match) -> str:
        attributes = shortcode_attributes(match.group(2))
        url = next((v for k, v in attributes.items() if k in ("src", "mp3", "mp4", "m4a",
                                                               "ogg", "wav", "webm")), "")
        return f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>' if url else ""

    text = CAPTION_RE.sub(caption, text)
    text = GALLERY_RE.sub(gallery, text)
    text = EMBED_RE.sub(embed, text)
    return MEDIA_RE.sub(media, text)


def convert_body(source: str, media_url: Callable[[str], str | None] = lambda _: None,
                 children: list[str] | None = None,
                 local_image: Callable[[str], str | None] = lambda _: None) -> Conversion:
    """Old CMS HTML (WordPress's or any other) as Markdown, with what needs a look."""
    result = Conversion()
    text = expand_shortcodes(source, media_url, children or [])
    if "<!-- wp:" not in text:
        text = autop(text)
    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()  # block marks, <!--more-->, <!--nextpage-->
    for tag in soup.find_all(DROPPED):
        result.warnings.append(f"a <{tag.name}> was left out (a static page runs no old "
                               "site's code)")
        tag.decompose()
    for address in soup.find_all("address"):
        address.name = "p"  # markdownify knows no <address>: its lines stay a paragraph
    for frame in soup.find_all("iframe"):
        src = frame.get("src", "")
        link = soup.new_tag("a", href=src)
        link.string = src or "(embedded frame)"
        paragraph = soup.new_tag("p")
        paragraph.append(link)
        frame.replace_with(paragraph)
        result.warnings.append(f"an embedded frame became a link: {src[:80]}")
    for image in soup.find_all("img"):
        src = image.get("src", "")
        local = local_image(src)
        if local:
            image["src"] = local
        elif src.startswith(("http://", "https://", "//")):
            result.remote_images.append(src)
    markdown = BodyConverter().convert_soup(soup)
    result.markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return result


def html_text(fragment: str) -> str:
    """The text of an HTML fragment on one line: a title like 'Title <em>With</em> Markup'."""
    text = BeautifulSoup(fragment, "html.parser").get_text("")
    return " ".join(text.split())
