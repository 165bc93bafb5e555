"""Quotes match through PDF noise but not through changed words or numbers."""
from __future__ import annotations

import pytest

from jakkg.quotes import PaperText, is_line_numbered

TEXT = (
    "77 disease. At baseline, mean \\pm SD CDASI was 27 \\pm 13 and MMT8 was 120 \\pm 31, 13\n"
    "78 and 5 patients were treated. One patient died (anti-\n"
    "79 MDA5+ with progressive ILD). The pathomechanisms involved in theILD remain\n"
    "80 unclear in <sup>3</sup> some **cases** with IFN $\\alpha$ , and ( $n = 17$ ) patients in DM¹,\n"
    "81 a long-\n82 term effect.\n"
)


@pytest.mark.parametrize(
    "quote",
    [
        "At baseline, mean ± SD CDASI was 27 ± 13 and MMT8 was 120 ± 31, 13 and 5 patients were treated.",
        "One patient died (anti-MDA5+ with progressive ILD).",
        "The pathomechanisms involved in the ILD remain unclear",
        "unclear in some cases with IFNα, and (n = 17) patients in DM,",
        "a long-term effect.",
    ],
)
def test_noise_is_ignored(quote: str) -> None:
    assert PaperText(TEXT).find(quote) is not None


@pytest.mark.parametrize(
    "quote",
    [
        "mean ± SD CDASI was 28 ± 13",  # a number changed
        "One patient survived",  # a word changed
        "MMT8 was 120 ± 31, 13 and 6 patients",  # the line number must not stand in for a word
        "progressive ILD) The",  # punctuation is part of the words
    ],
)
def test_words_and_numbers_are_not_ignored(quote: str) -> None:
    assert PaperText(TEXT).find(quote) is None


def test_offsets_point_at_the_passage_in_the_original_text() -> None:
    paper = PaperText(TEXT)
    match = paper.find("One patient died (anti-MDA5+ with progressive ILD).")
    assert match is not None
    assert TEXT[match.start : match.end] == match.exact
    assert match.exact.startswith("One patient died") and match.exact.endswith("ILD).")
    assert "\n79 " in match.exact  # the span covers the original, noise included


def test_line_numbering_is_detected_per_document() -> None:
    assert is_line_numbered(TEXT)
    assert not is_line_numbered("Sir,\n\nIn their letter 17 patients were seen.\nNo more.\n")


def test_real_paper_quote_with_latex_and_glued_words(seeds_dir) -> None:
    text = (seeds_dir / "001_9fd483e06a273bc1.txt").read_text(encoding="utf-8")
    match = PaperText(text).find("stimulated with multiple cytokines (IFNα, IL-6, IL-21, and IFNγ) improved")
    assert match is not None and "$\\alpha$" in match.exact
