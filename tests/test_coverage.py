"""The coverage report: sentences of each paper's body, covered, skipped or missing."""
from __future__ import annotations

from pathlib import Path

from jakkg.coverage import paper_coverage, split_sentences

from .conftest import copy_data, run_cli
from .test_load import replace_once


def test_sentences_are_split_on_the_original_text_with_offsets() -> None:
    text = "In their letter Papadopoulou et al. (2019) report a case. It improved¹. No adverse event was seen in n = 2 cases.\n"
    sentences = split_sentences(text, 0, len(text))
    assert [s.text for s in sentences] == [
        "In their letter Papadopoulou et al. (2019) report a case.",
        "No adverse event was seen in n = 2 cases.",
    ]  # 'It improved¹.' has too few words to count as a sentence
    assert all(text[s.start : s.end].strip().startswith(s.text[:10]) for s in sentences)


def test_every_body_sentence_of_every_paper_is_covered_or_skipped(corpus) -> None:
    for paper_id in corpus.papers:
        report = paper_coverage(corpus, paper_id)
        if not any(corpus.source_of[c] == paper_id for c in corpus.claims):
            continue  # a paper not curated yet has no claims to cover it
        missing = [s.text for s in report.sentences if s.status == "missing"]
        assert not missing, f"{paper_id}: sentences without a claim or skip reason: {missing}"


def test_report_lists_claim_ids_and_skip_reasons(seeds_dir: Path) -> None:
    result = run_cli("coverage", "--sources", seeds_dir, "--paper", "landon-cardinal-2022")
    assert result.exit_code == 0, result.output
    assert "[LC22-C029] No patients developed cancer." in result.output
    assert "[skipped: general motivation, no relation between entities] Dermatomyositis (DM) remains" in result.output


def test_removed_claim_shows_its_sentence_as_missing_and_strict_fails(tmp_path: Path, seeds_dir: Path) -> None:
    data = copy_data(tmp_path)
    claims = data / "claims" / "002.yaml"
    replace_once(claims, '    quote: "No patients developed cancer."\n', '    quote: "One patient developed thromboembolic events"\n')
    out = tmp_path / "coverage.txt"
    result = run_cli("coverage", "--data", data, "--sources", seeds_dir, "--paper", "landon-cardinal-2022", "--strict", "--output", out)
    assert result.exit_code == 1
    assert "[MISSING] No patients developed cancer." in result.output
    assert "1 without a claim" in out.read_text()


def test_unknown_paper_is_a_usage_error(seeds_dir: Path) -> None:
    result = run_cli("coverage", "--sources", seeds_dir, "--paper", "nobody-2020")
    assert result.exit_code == 2 and "nobody-2020" in result.output
