"""The portal report as files and as a terminal summary.

CSV has Korean headers and a byte-order mark, so Excel opens it as UTF-8; its
three tables (articles, reporters by month, months) follow one another,
separated by an empty row, each under its own header. JSON holds the same
figures with ISO times.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from generator.commands.report import Count, PortalReport
from generator.core.objects import Article
from generator.model.urls import absolute_url

ARTICLE_HEADER = ("URL", "제목", "기자", "입력", "수정", "섹션", "종류")
REPORTER_HEADER = ("기자", "월", "기사 수", "자체기사 수", "자체기사 비율(%)")
MONTH_HEADER = ("월", "기사 수", "자체기사 수", "자체기사 비율(%)")
ALL = "전체"  # the month of a reporter's total, and the reporter of the months' totals


def report_csv(report: PortalReport) -> bytes:
    """The report as CSV in UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    rows = csv.writer(buffer)
    rows.writerow(ARTICLE_HEADER)
    rows.writerows(_article_row(report, article) for article in report.articles)
    rows.writerow(())
    rows.writerow(REPORTER_HEADER)
    rows.writerows((r.name, r.month or ALL, *_figures(r.count)) for r in report.reporters)
    rows.writerow(())
    rows.writerow(MONTH_HEADER)
    rows.writerows((month, *_figures(found)) for month, found in report.months)
    rows.writerow((ALL, *_figures(report.total)))
    return buffer.getvalue().encode("utf-8-sig")


def report_json(report: PortalReport) -> bytes:
    """The report as JSON: the period, the articles and the counts."""
    config, zone = report.config, report.config.timezone
    data = {
        "site": config.title,
        "period": {"start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat(timespec="seconds"),
                   "months": list(report.period.months)},
        "articles": [{
            "url": absolute_url(config, a.url), "headline": a.title,
            "reporters": [author.name for author in a.authors],
            "published": a.date.astimezone(zone).isoformat(),
            "modified": a.modified.astimezone(zone).isoformat(),
            "section": a.section.name, "kind": a.kind, "kind_label": _kind_label(report, a),
        } for a in report.articles],
        "reporters": [{"name": r.name, "key": r.key, "month": r.month, **_counts(r.count)}
                      for r in report.reporters],
        "months": [{"month": month, **_counts(found)} for month, found in report.months],
        "total": _counts(report.total),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def summary_lines(report: PortalReport) -> list[str]:
    """What the terminal shows: the period, the totals, each reporter and each month."""
    period, total = report.period, report.total
    lines = [f"{report.config.title}: {period.months[0]} to {period.months[-1]} "
             f"(until {period.end:%Y-%m-%d %H:%M}): {_sentence(total)}"]
    lines += [f"  {r.name}: {_sentence(r.count)}" for r in report.reporters if r.month is None]
    lines += [f"  {month}: {_sentence(found)}" for month, found in report.months]
    return lines


def _article_row(report: PortalReport, article: Article) -> tuple:
    zone = report.config.timezone
    return (absolute_url(report.config, article.url), article.title,
            ", ".join(author.name for author in article.authors),
            _time(article.date.astimezone(zone)), _time(article.modified.astimezone(zone)),
            article.section.name, _kind_label(report, article))


def _kind_label(report: PortalReport, article: Article) -> str:
    return report.config.labels.get(f"kind_{article.kind}", article.kind)


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _figures(found: Count) -> tuple:
    return found.articles, found.original, f"{found.percent:.1f}"


def _counts(found: Count) -> dict:
    return {"articles": found.articles, "original": found.original,
            "original_percent": found.percent}


def _sentence(found: Count) -> str:
    return (f"{found.articles} article{'s' * (found.articles != 1)}, 자체기사 "
            f"{found.original} ({found.percent:.1f}%)")
