"""The Korean analyser finds the nouns a prefix search would miss, and only those."""

import sys

import pytest
from conftest import SHARED_ANALYSER

from generator.outputs import search
from generator.outputs.korean import Analyser, AnalyserError, applies_to


@pytest.fixture
def analyser():
    return SHARED_ANALYSER


def test_finds_noun_inside_a_compound(analyser):
    assert "데이터" in analyser.hidden_nouns("경기도 AI데이터 협의체가 출범했다.")


def test_finds_second_part_of_hangul_compound(analyser):
    assert "자치" in analyser.hidden_nouns("지방자치 발전을 위한 토론회")


def test_finds_later_parts_of_compounds(analyser):
    # The dictionary keeps 안양시 and 셔틀버스 whole, listing their parts; readers search
    # 시의회, 의회 and 버스.
    terms = set(analyser.hidden_nouns("안양시의회는 셔틀버스를 운행한다."))
    assert {"시의회", "의회", "버스"} <= terms


def test_reads_a_closing_particle_as_a_particle(analyser):
    # Alone, 사랑의 and 경기도의 read as nouns ending in 의; among other words they do not.
    terms = analyser.hidden_nouns("사랑의 열매 경기도의 예산")
    assert not [term for term in terms if term.endswith("의")]


def test_does_not_cut_a_word_whose_head_is_no_noun(analyser):
    # 캔버스 is not 캔 + 버스 for a reader: a head of one syllable never splits off.
    assert "버스" not in analyser.hidden_nouns("화성 성벽을 캔버스로 삼았다.")


def test_skips_nouns_that_start_a_word(analyser):
    # `협의체는` and `경기도가` are found by prefix already; indexing them again only adds bytes.
    terms = analyser.hidden_nouns("협의체는 경기도가 시군과 만든 기구다.")
    assert not {"협의체", "경기도", "시군"} & set(terms)


def test_splits_mixed_script_words(analyser):
    terms = analyser.hidden_nouns("이수재 AI빅데이터산업과장은 말했다.")
    assert "산업" in terms
    assert [term for term in terms if term.startswith("빅데이터")]  # found by its start


def test_finds_latin_word_glued_after_hangul(analyser):
    assert "ai" in analyser.hidden_nouns("경기도는 생성형AI 활용 교육을 연다.")


def test_finds_number_glued_after_hangul(analyser):
    # As the index writes it: search words drop the commas inside numbers.
    assert "1860" in analyser.hidden_nouns("총사업비1,860억원을 투입한다.")


def test_a_noun_after_a_middle_dot_starts_a_search_word(analyser):
    # The index splits `인공지능·반도체` at the dot: 반도체 is found by its start already.
    assert "반도체" in search.words("인공지능·반도체 분야 스타트업")
    assert "반도체" not in analyser.hidden_nouns("인공지능·반도체 분야 스타트업")


def test_lists_each_term_once_in_order(analyser):
    terms = analyser.hidden_nouns("AI데이터와 공공데이터, 또 AI데이터")
    assert terms.count("데이터") == 1


def test_analyses_many_texts_in_input_order(analyser):
    many = analyser.hidden_nouns_many(["지방자치", "AI데이터", ""])
    assert "자치" in many[0] and "데이터" in many[1] and many[2] == ()


def test_only_korean_sites_use_the_analyser():
    assert applies_to("ko") and applies_to("ko-KR")
    assert not applies_to("en")


def test_a_stopped_analyser_refuses_texts():
    stopped = Analyser()
    stopped.close()
    with pytest.raises(AnalyserError, match="stopped"):
        stopped.hidden_nouns("지방자치")


def test_a_missing_analyser_is_an_error_the_build_can_report(monkeypatch):
    monkeypatch.setitem(sys.modules, "mecab", None)  # as if python-mecab-ko were not installed
    with pytest.raises(AnalyserError, match="python-mecab-ko"):
        Analyser().hidden_nouns("지방자치")
