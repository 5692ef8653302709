"""A broken front matter is reported on the line to fix, with a hint for common mistakes."""

from __future__ import annotations

import pytest
from conftest import build_site

from generator.core.errors import BuildFailed

CASES = {
    "colon_in_title": ("title: 제목: 부제\ndate: 2026-11-20 09:00\n",
                       'content/local/a.md:2: invalid YAML: mapping values are not allowed '
                       'in this context; put the title in quotes: title: "제목: 부제"'),
    "unclosed_quote": ('title: "제목\ndate: 2026-11-20 09:00\ntags: [가]\n',
                       "content/local/a.md:2: invalid YAML: found unexpected end of stream; "
                       "the quote opened on this line is never closed: end the value with it"),
    "tab_indent": ("title: 제목\n\tdate: 2026-11-20 09:00\n",
                   "content/local/a.md:3: invalid YAML: found a tab character that violates "
                   "indentation; use spaces, not tabs"),
    "tab_in_list": ("title: 제목\ndate: 2026-11-20 09:00\ntags:\n\t- 가\n",
                    "content/local/a.md:5: invalid YAML: found character that cannot start "
                    "any token; use spaces, not tabs"),
    "indented_key": ("title: 제목\n  date: 2026-11-20 09:00\n",
                     "content/local/a.md:3: invalid YAML: mapping values are not allowed in "
                     "this context; this line is indented: start each key at the beginning "
                     "of the line"),
}


@pytest.mark.parametrize("name", CASES)
def test_yaml_mistake_is_located_and_explained(make_site, name):
    front, expected = CASES[name]
    site = make_site({"content/local/a.md": f"---\n{front}---\n\n본문\n"})
    with pytest.raises(BuildFailed) as failure:
        build_site(site)
    assert [str(p) for p in failure.value.problems] == [expected]
