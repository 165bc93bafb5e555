"""Bad input stops the build with file, line and id, exit 1, and leaves build/ untouched."""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import copy_data, run_cli

CLAIMS = "claims/002.yaml"
CURATION = "curation: {created: 2026-11-21, curators: [jakkg-curation-team]}  # created: the file's first commit\n"
OTHER_PAPER_QUOTE = ("Recently, Aeschlimann et al. (2018) describe a very severe refractory juvenile patient dramatically "
                     "improved by ruxolitinib, another JAK1/2 inhibitor.")  # paper 000's words


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str | tuple[str, int]) -> int:
    """The line number of the first (or n-th, for a (text, n) tuple) line containing the text."""
    text, nth = needle if isinstance(needle, tuple) else (needle, 1)
    hits = [i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in ln]
    return hits[nth - 1]


# Each case: how to break a copy of data/, the file and the text of the line the
# message must point at (None: the claim's own first line), the id, and words of the message.
CASES: list[tuple[str, Callable[[Path], None], str, str | tuple[str, int] | None, str | None, str]] = [
    ("missing field", lambda d: replace_once(d / CLAIMS, "    predicate: contributes_to\n", ""),
     CLAIMS, "- id: LC22-C001", "LC22-C001", "predicate: required field is missing"),
    ("unknown entity key", lambda d: replace_once(d / CLAIMS, "object: thromboembolism", "object: thrombo-embolism"),
     CLAIMS, "- id: LC22-C027", "LC22-C027", "unknown entity 'thrombo-embolism'"),
    ("malformed CURIE", lambda d: replace_once(d / "entities/reference.yaml", "curie: CHEBI:95341", "curie: CHEBI95341"),
     "entities/reference.yaml", "curie: CHEBI95341", "baricitinib", "malformed CURIE"),
    ("unknown CURIE prefix", lambda d: replace_once(d / "entities/reference.yaml", "curie: CHEBI:95341", "curie: NOTAPREFIX:95341"),
     "entities/reference.yaml", "curie: NOTAPREFIX:95341", "baricitinib", "unknown CURIE prefix"),
    # issue 12: a quote error points at the quote's own line, and names the paper that does have it
    ("quote not in source", lambda d: replace_once(d / CLAIMS, '"No patients developed cancer."', '"No patients developed lymphoma."'),
     CLAIMS, "No patients developed lymphoma.", "LC22-C029", "quote not found in 002_1d42a4933288283d.txt"),
    ("number changed in quote", lambda d: replace_once(d / CLAIMS, '"At baseline, mean ± SD CDASI was 27 ± 13"\n', '"At baseline, mean ± SD CDASI was 28 ± 13"\n'),
     CLAIMS, "CDASI was 28 ± 13", "LC22-C012", "quote not found"),
    ("quote of another paper", lambda d: replace_once(d / CLAIMS, '"No patients developed cancer."', f'"{OTHER_PAPER_QUOTE}"'),
     CLAIMS, "Recently, Aeschlimann et al.", "LC22-C029", "it is in 000_318a5eed6a80bcdd.txt (allenbach-2019)"),
    # issue 12: wrong types are errors, not silently coerced (n: true is not 1, N: '16' is not 16)
    ("n is a boolean", lambda d: replace_once(d / CLAIMS, "    n: 9\n    N: 16\n    percent: 56", "    n: true\n    N: 16\n    percent: 56"),
     CLAIMS, "    n: true", "LC22-C010", "n: Input should be a valid integer"),
    ("N is text", lambda d: replace_once(d / CLAIMS, "    n: 9\n    N: 16\n    percent: 56", "    n: 9\n    N: '16'\n    percent: 56"),
     CLAIMS, "    N: '16'", "LC22-C010", "N: Input should be a valid integer"),
    # issue 12: what would silently drop data is an error
    ("patient table column missing", lambda d: replace_once(d / "patients/002.csv", "id,cohort,label,age_years,", "id,cohort,label,age,"),
     "patients/002.csv", "id,cohort,label,age,", None, "missing column(s) age_years"),
    ("patient table not UTF-8", lambda d: (d / "patients/002.csv").write_bytes((d / "patients/002.csv").read_bytes().replace(b"59", b"\xff", 1)),
     "patients/002.csv", None, None, "not UTF-8 text"),
    ("empty claims file", lambda d: (d / "claims/004.yaml").write_text("", encoding="utf-8"),
     "claims/004.yaml", None, None, "empty claims file"),
    ("claims file of comments only", lambda d: (d / "claims/004.yaml").write_text("# to do\n", encoding="utf-8"),
     "claims/004.yaml", None, None, "empty claims file"),
    ("claims file with only its source", lambda d: (d / "claims/004.yaml").write_text("source: ding-2021\n", encoding="utf-8"),
     "claims/004.yaml", None, None, "the file lists no claim"),
    ("claims file renamed .yml", lambda d: (d / CLAIMS).rename(d / "claims/002.yml"),
     "claims/002.yml", None, None, "not a claims file"),
    ("paper without claims file", lambda d: (d / "claims/004.yaml").unlink(),
     "sources.yaml", None, "ding-2021", "paper has no claims"),
    ("no claims folder", lambda d: shutil.rmtree(d / "claims"),
     "claims", None, None, "claims folder not found"),
    ("duplicate claim id", lambda d: replace_once(d / CLAIMS, "- id: LC22-C002", "- id: LC22-C001"),
     CLAIMS, ("- id: LC22-C001", 2), "LC22-C001", "duplicate id (first defined at"),
    ("n greater than N", lambda d: replace_once(d / CLAIMS, "    n: 9\n    N: 16\n    percent: 56", "    n: 17\n    N: 16\n    percent: 56"),
     CLAIMS, "- id: LC22-C010", "LC22-C010", "n (17) is greater than N (16)"),
    ("percentage contradicts n/N", lambda d: replace_once(d / CLAIMS, "percent: 88", "percent: 80"),
     CLAIMS, "- id: LC22-C009", "LC22-C009", "percent (80) does not match n/N"),
    # issue 11: a percentage of a subset is not of N (65.5% of 101 is no whole number of patients)
    ("percentage without n is no k/N", lambda d: replace_once(d / "claims/003.yaml", "    direction: improved\n    percent: 65.5", "    direction: improved\n    N: 101\n    percent: 65.5"),
     "claims/003.yaml", "- id: MA-C051", "MA-C051", "percent (65.5) is not k/N for any whole k of N = 101"),
    # issue 11: "> 5 mg/day" is a strict bound; min is inclusive, and the two together contradict
    ("strict and inclusive lower bound", lambda d: replace_once(d / CLAIMS, "dose: {above: 5, unit: mg/d}", "dose: {above: 5, min: 5, unit: mg/d}"),
     CLAIMS, "dose: {above: 5, min: 5", "LC22-C014", "above (strict) and min (inclusive) are two lower bounds"),
    ("negative SD", lambda d: replace_once(d / CLAIMS, "value: {mean: 120, sd: 31, out_of: 150, time: baseline}", "value: {mean: 120, sd: -31, out_of: 150, time: baseline}"),
     CLAIMS, "value: {mean: 120, sd: -31", "LC22-C013", "value.sd: Input should be greater than or equal to 0"),
    ("follow-up without baseline", lambda d: replace_once(d / CLAIMS, "    baseline: {mean: 27, sd: 13, time: baseline}\n    followup: {mean: 8", "    followup: {mean: 8"),
     CLAIMS, "- id: LC22-C041", "LC22-C041", "followup given without baseline"),
    ("predicate does not take a drug as object", lambda d: replace_once(d / CLAIMS, "object: interferon-signalling\n    hedging: speculative", "object: baricitinib\n    hedging: speculative"),
     CLAIMS, "- id: LC22-C002", "LC22-C002", "'baricitinib' is a drug; predicate 'negatively_regulates' takes a pathway"),
    ("unknown field", lambda d: replace_once(d / CLAIMS, "    hedging: suggested\n    attributed_to: huard-2017", "    hedging: suggested\n    atributed_to: huard-2017"),
     CLAIMS, "atributed_to: huard-2017", "LC22-C001", "unknown field"),
    ("YAML syntax error", lambda d: replace_once(d / CLAIMS, "    category: mechanism\n", "    category: [mechanism\n"),
     CLAIMS, None, None, "YAML syntax error"),
    # issue 13: the nanopublications' pubinfo (who curated the claims, and when) comes from a required curation: block
    ("curation block missing", lambda d: replace_once(d / CLAIMS, CURATION, "\n"),
     CLAIMS, "# yaml-language-server", None, "missing 'curation:' block"),
    ("curation date is no date", lambda d: replace_once(d / CLAIMS, "created: 2026-11-21,", "created: 2026-02-30,"),
     CLAIMS, "created: 2026-02-30", None, "curation.created: '2026-02-30' is not a date: write YYYY-MM-DD"),
    ("curation date written day first", lambda d: replace_once(d / CLAIMS, "created: 2026-11-21,", "created: 21/11/2026,"),
     CLAIMS, "created: 21/11/2026", None, "curation.created: '21/11/2026' is not a date"),
    ("curator is no ORCID iD", lambda d: replace_once(d / CLAIMS, "curators: [jakkg-curation-team]", "curators: [0000-0002-1825-0097]"),
     CLAIMS, "curators: [0000-0002-1825-0097]", None, "curation.curators.0: curator '0000-0002-1825-0097' is neither an ORCID iD"),
    ("ORCID iD with a wrong check digit", lambda d: replace_once(d / CLAIMS, "curators: [jakkg-curation-team]",
                                                                "curators: [jakkg-curation-team, 'https://orcid.org/0000-0002-1825-0098']"),
     CLAIMS, "0000-0002-1825-0098", None, "curation.curators.1: curator 'https://orcid.org/0000-0002-1825-0098': the ORCID iD's check digit is wrong"),
    ("curation without curators", lambda d: replace_once(d / CLAIMS, ", curators: [jakkg-curation-team]", ""),
     CLAIMS, "curation: {created: 2026-11-21}", None, "curation.curators: required field is missing"),
    ("claim's own date is no date", lambda d: replace_once(d / CLAIMS, "    n: 9\n    N: 16\n    percent: 56", "    n: 9\n    N: 16\n    percent: 56\n    created: 2026-13-01"),
     CLAIMS, "    created: 2026-13-01", "LC22-C010", "created: '2026-13-01' is not a date"),
    ("patient table bad number", lambda d: replace_once(d / "patients/002.csv", "LC22-P01,LC22,Patient 1 of Table 1 (Landon-Cardinal 2022),59,", "LC22-P01,LC22,Patient 1 of Table 1 (Landon-Cardinal 2022),fifty-nine,"),
     "patients/002.csv", "LC22-P01,", "LC22-P01", "age_years"),
]


@pytest.fixture()
def previous_build(built: Path, tmp_path: Path) -> Path:
    """A build/ directory holding a good earlier build."""
    out = tmp_path / "build"
    out.mkdir()
    for f in built.glob("jakdm.*"):
        (out / f.name).write_bytes(f.read_bytes())
    return out


def digests(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


@pytest.mark.parametrize("name,breaks,file,line_text,item,words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_precisely_and_build_is_untouched(
    name: str, breaks: Callable[[Path], None], file: str, line_text: str | tuple[str, int] | None, item: str | None, words: str,
    tmp_path: Path, previous_build: Path, seeds_dir: Path,
) -> None:
    data = copy_data(tmp_path)
    breaks(data)
    before = digests(previous_build)
    result = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", previous_build)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert words in result.output, result.output
    location = f"{data / file}" if not line_text else f"{data / file}:{line_of(data / file, line_text)}:"
    hits = [ln for ln in result.output.splitlines() if words in ln]
    assert any(location in ln for ln in hits), (location, hits)
    if item:
        assert any(f"[{item}]" in ln for ln in hits), hits
    assert digests(previous_build) == before, "a failed build must not touch earlier outputs"


def test_every_problem_is_reported_in_one_run(tmp_path: Path, seeds_dir: Path) -> None:
    data = copy_data(tmp_path)
    replace_once(data / CLAIMS, "percent: 88", "percent: 80")
    replace_once(data / CLAIMS, "object: thromboembolism", "object: thrombo-embolism")
    result = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "LC22-C009" in result.output and "LC22-C027" in result.output
    assert not (tmp_path / "out" / "jakdm.ttl").exists()


def test_missing_sources_directory_is_reported(tmp_path: Path) -> None:
    result = run_cli("build", "--sources", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "nowhere" in result.output and "sources directory" in result.output


def test_build_that_would_remove_records_refuses_unless_allowed(tmp_path: Path, seeds_dir: Path) -> None:
    """Fewer claims for a paper than the build it replaces: refused, naming what disappears, unless --allow-removals."""
    data, out = copy_data(tmp_path), tmp_path / "build"
    assert run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out).exit_code == 0
    before = digests_of_files(out)
    text = (data / CLAIMS).read_text(encoding="utf-8")
    start = text.index("  - id: LC22-C029\n")
    end = text.index("  - id: ", start + 5)
    (data / CLAIMS).write_text(text[:start] + text[end:], encoding="utf-8")
    refused = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out)
    assert refused.exit_code == 1, refused.output
    assert "would remove 1 record(s)" in refused.stderr and "landon-cardinal-2022: claim LC22-C029" in refused.stderr
    assert "--allow-removals" in refused.stderr
    assert digests_of_files(out) == before, "nothing written"
    allowed = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out, "--allow-removals")
    assert allowed.exit_code == 0, allowed.output
    assert "LC22-C029" not in (out / "manifest.json").read_text(encoding="utf-8")
    assert "claim/LC22-C029>" not in (out / "jakdm.nt").read_text(encoding="utf-8")


def digests_of_files(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir()) if f.is_file()}


def test_paper_marked_uncurated_may_have_no_claims(tmp_path: Path, seeds_dir: Path) -> None:
    """The opt-in: a paper listed before its claims are curated says so, and the build goes on without it."""
    data = copy_data(tmp_path)
    (data / "claims" / "004.yaml").unlink()
    refused = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", tmp_path / "a", "--no-validate")
    assert refused.exit_code == 1 and "[ding-2021] paper has no claims" in refused.output
    replace_once(data / "sources.yaml", "  - id: ding-2021\n", "  - id: ding-2021\n    uncurated: true\n")
    built = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", tmp_path / "b", "--no-validate")
    assert built.exit_code == 0, built.output
    assert "ding-2021" not in (tmp_path / "b" / "manifest.json").read_text(encoding="utf-8")
