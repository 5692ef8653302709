"""The Korean analyser finds the nouns a prefix search would miss, and only those."""

import io

import kiwipiepy
import pytest
from conftest import SHARED_ANALYSER

from generator.korean import applies_to, serve_requests


@pytest.fixture
def analyser():
    return SHARED_ANALYSER


def test_finds_noun_inside_a_compound(analyser):
    assert "데이터" in analyser.hidden_nouns("경기도 AI데이터 협의체가 출범했다.")


def test_finds_second_part_of_hangul_compound(analyser):
    assert "자치" in analyser.hidden_nouns("지방자치 발전을 위한 토론회")


def test_finds_tails_of_compounds_kiwi_keeps_whole(analyser):
    # Kiwi reads 안양시의회 and 셔틀버스 as single nouns; readers search 의회 and 버스.
    terms = set(analyser.hidden_nouns("안양시의회는 셔틀버스를 운행한다."))
    assert {"시의회", "의회", "버스"} <= terms


def test_does_not_cut_a_word_whose_head_is_no_noun(analyser):
    # 캔버스 is not 캔 + 버스 for a reader: a head of one syllable never splits off.
    assert "버스" not in analyser.hidden_nouns("화성 성벽을 캔버스로 삼았다.")


def test_skips_nouns_that_start_a_word(analyser):
    # `협의체는` and `경기도가` are found by prefix already; indexing them again only adds bytes.
    terms = analyser.hidden_nouns("협의체는 경기도가 시군과 만든 기구다.")
    assert not {"협의체", "경기도", "시군"} & set(terms)


def test_splits_mixed_script_words(analyser):
    terms = analyser.hidden_nouns("이수재 AI빅데이터산업과장은 말했다.")
    assert {"빅데이터", "산업"} <= set(terms)


def test_finds_latin_word_glued_after_hangul(analyser):
    assert "ai" in analyser.hidden_nouns("경기도는 생성형AI 활용 교육을 연다.")


def test_finds_number_glued_after_hangul(analyser):
    assert "1,860" in analyser.hidden_nouns("총사업비1,860억원을 투입한다.")


def test_finds_noun_after_a_middle_dot(analyser):
    # A word split on spaces keeps `인공지능·반도체` whole, so 반도체 needs finding on its own.
    assert "반도체" in analyser.hidden_nouns("인공지능·반도체 분야 스타트업")


def test_lists_each_term_once_in_order(analyser):
    terms = analyser.hidden_nouns("AI데이터와 공공데이터, 또 AI데이터")
    assert terms.count("데이터") == 1


def test_analyses_many_texts_in_input_order(analyser):
    many = analyser.hidden_nouns_many(["지방자치", "AI데이터", ""])
    assert "자치" in many[0] and "데이터" in many[1] and many[2] == ()


def test_only_korean_sites_use_the_analyser():
    assert applies_to("ko") and applies_to("ko-KR")
    assert not applies_to("en")


def test_an_answer_left_unread_is_dropped_before_the_next_request(analyser):
    analyser.request(["지방자치"])  # a build stopped here, between request and answer
    assert analyser.hidden_nouns_many(["AI데이터"]) == [analyser.hidden_nouns("AI데이터")]
    assert "데이터" in analyser.hidden_nouns("AI데이터")


def test_the_worker_loads_the_model_before_the_first_request(monkeypatch):
    """Kiwi loads lazily; the worker makes it load at start, so a publish does not wait."""
    calls = []

    class RecordingKiwi:
        def __init__(self, **options):
            calls.append("made")

        def tokenize(self, text):
            calls.append(("tokenize", text))
            return []

    monkeypatch.setattr(kiwipiepy, "Kiwi", RecordingKiwi)
    serve_requests(iter([]), io.StringIO())  # no request at all
    assert calls == ["made", ("tokenize", "")]
