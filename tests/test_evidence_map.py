"""The evidence map (issue 14): cells computed by hand on a fixture, the seed build through the command line,
byte-identical outputs and one-line errors."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from jakkg.evidence_map import AMELIORATES, HAS_ADVERSE_EVENT, TREATED_WITH, effect_of, evidence_cells
from jakkg.store import load_store

from .conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "evidence_map" / "map.trig"
VOCAB = "https://w3id.org/jakkg/vocab/"


@pytest.fixture(scope="module")
def fixture_map():
    return evidence_cells(load_store(FIXTURE))


def cell(emap, population: str, drug: str, group: str) -> dict:
    [found] = [c for c in emap.cells if (c["population"], c["drug"], c["outcome_group"]) == (population, drug, group)]
    return found


def test_a_study_counts_once_and_case_reports_are_one_patient(fixture_map) -> None:
    """S1 (N=10) is reported by its own paper and by letter P: one study; S2's case report adds one patient."""
    skin = cell(fixture_map, "juvenile", "baricitinib", "Skin")
    assert (skin["studies"], skin["patients"], skin["case_reports"], skin["studies_without_n"]) == (2, 11, 1, 0)
    assert (skin["direction"], skin["best_level"], skin["disagreement"]) == ("improved", 3, False)
    assert skin["claims"] == ["E1", "E2", "E3"] and skin["outcomes"] == ["Skin rash"]


def test_direction_mix_and_disagreement_mark(fixture_map) -> None:
    calcinosis = cell(fixture_map, "juvenile", "baricitinib", "Calcinosis")
    assert (calcinosis["studies"], calcinosis["patients"], calcinosis["direction"]) == (2, 15, "mixed")
    assert [g["direction"] for g in calcinosis["glyphs"]] == ["no change", "improved"], "largest study first"
    assert calcinosis["disagreements"] == ["E5 <> E6"] and calcinosis["disagreement"]
    # one study reporting zoster (worsened) and no serious adverse event (no change) is itself mixed; a study
    # without N is counted, not summed
    ae = cell(fixture_map, "juvenile", "Janus Kinase Inhibitors", "Adverse events")
    assert (ae["studies"], ae["patients"], ae["studies_without_n"], ae["direction"]) == (2, 10, 1, "mixed")
    assert ae["claims_by_direction"] == {"worsened": 2, "no change": 1}


def test_juvenile_and_adult_apart_and_cohorts_through_their_drug(fixture_map) -> None:
    adult = cell(fixture_map, "adult", "baricitinib", "Skin")
    assert (adult["claims"], adult["direction"], adult["patients"], adult["best_level"]) == (["E4"], "worsened", 8, 4)
    steroids = cell(fixture_map, "juvenile", "tofacitinib", "Steroid sparing")
    assert (steroids["claims"], steroids["direction"], steroids["patients"]) == (["E10"], "improved", 12)
    assert steroids["best_level"] is None
    assert [label for _, label in fixture_map.drugs] == ["baricitinib", "tofacitinib", "Janus Kinase Inhibitors"]
    assert dict(fixture_map.skipped) == {"not about a JAK inhibitor": 1, "outcome in another disease": 1, "speculative": 1}
    assert len(fixture_map.cells) == 5


def test_directions_read_for_the_patient() -> None:
    assert effect_of(AMELIORATES, VOCAB + "NoProgression", False) == "no change"
    assert effect_of(AMELIORATES, VOCAB + "Unchanged", True) == "no change", "failed to improve"
    assert effect_of(HAS_ADVERSE_EVENT, VOCAB + "Observed", False) == "worsened"
    assert effect_of(HAS_ADVERSE_EVENT, VOCAB + "NotObserved", True) == "no change"
    assert effect_of(TREATED_WITH, VOCAB + "Decreased", True) == "improved", "glucocorticoids stopped"


def test_cli_on_the_seed_build_writes_csv_png_svg_byte_identically(built: Path, tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        result = run_cli("evidence-map", str(built / "jakdm.trig"), "--out", str(tmp_path / run))
        assert result.exit_code == 0, result.output
        assert "cell(s) from" in result.output and "speculative" in result.output
        outs.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert outs[0] == outs[1]
    assert sorted(outs[0]) == ["evidence-map.csv", "evidence-map.png", "evidence-map.svg"]
    assert outs[0]["evidence-map.png"].startswith(b"\x89PNG") and b"<dc:date>" not in outs[0]["evidence-map.svg"]
    assert b"Juvenile dermatomyositis" in outs[0]["evidence-map.svg"]
    rows = list(csv.DictReader(io.StringIO(outs[0]["evidence-map.csv"].decode())))
    assert not any("http" in r["drug"] + r["outcomes"] + r["outcome_group"] for r in rows), "labels, never identifiers"
    assert {r["drug"] for r in rows} == {"baricitinib", "ruxolitinib", "tofacitinib", "Janus Kinase Inhibitors"}
    by = {(r["population"], r["drug"], r["outcome_group"]): r for r in rows}
    # Huang et al.'s 101 and Ding et al.'s 25, each once; Ding's series holds one relapse, so it is mixed
    skin = by[("juvenile", "Janus Kinase Inhibitors", "Skin")]
    assert (skin["studies"], skin["patients"], skin["direction"], skin["best_level"]) == ("2", "126", "mixed", "4")
    # the curated disagreements touch their cells: Aeschlimann's drug, calcinosis, the deaths of 001's adults
    assert by[("juvenile", "ruxolitinib", "Disease activity")]["disagreements"] == "AL19-C023 <> LC19-C008"
    assert by[("juvenile", "baricitinib", "Calcinosis")]["disagreements"] == "AL19-C068 <> LC19-C042"
    assert by[("adult", "Janus Kinase Inhibitors", "Death")]["disagreement"] == "yes"
    assert all(r["case_reports"] == r["studies"] for r in rows if r["drug"] in ("baricitinib", "ruxolitinib"))


def test_cli_missing_or_invalid_graph_is_one_line_and_keeps_outputs(tmp_path: Path) -> None:
    (tmp_path / "evidence-map.csv").write_text("previous\n")
    result = run_cli("evidence-map", str(tmp_path / "none.trig"), "--out", str(tmp_path))
    assert result.exit_code == 2 and "none.trig: file not found" in result.output
    bad = tmp_path / "bad.trig"
    bad.write_text("GRAPH <x> { not trig\n")
    result = run_cli("evidence-map", str(bad), "--out", str(tmp_path))
    assert result.exit_code == 2 and "bad.trig:1" in result.output and len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "evidence-map.csv").read_text() == "previous\n"
    assert not (tmp_path / "evidence-map.png").exists()


# -- the map's vocabulary is data (src/jakkg/evidence-map.yaml) --------------------------------------
def entity_iris() -> set[str]:
    """The IRI of every curated entity in data/entities."""
    from ruamel.yaml import YAML

    from jakkg.identifiers import expand

    from .conftest import DATA

    iris = set()
    for path in sorted((DATA / "entities").glob("*.yaml")):
        for entry in (YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}).values():
            if isinstance(entry, dict) and "curie" in entry:
                iris.add(expand(entry["curie"]))
    return iris


def test_every_outcome_of_the_vocabulary_is_a_curated_entity() -> None:
    """A typo in evidence-map.yaml would silently move an outcome to 'Other outcomes': here it fails instead."""
    from jakkg.evidence_map import OUTCOME_PREDICATES, vocabulary

    vocab = vocabulary()
    listed = set(vocab.outcome_group) | vocab.other_diseases
    assert len(listed) == 29
    assert sorted(listed - entity_iris()) == [], "CURIEs in evidence-map.yaml that are no entity of data/entities"
    assert set(vocab.predicate_group) <= OUTCOME_PREDICATES
    assert vocab.groups[0] == "Disease activity" and vocab.default_group == "Other outcomes"
    assert vocab.outcome_group["http://purl.obolibrary.org/obo/HP_0003761"] == "Calcinosis"


def test_every_direction_of_the_vocabulary_is_an_ontology_direction() -> None:
    from rdflib import RDF, Graph, URIRef

    from jakkg.evidence_map import vocabulary
    from jakkg.resources import ontology_file

    g = Graph().parse(ontology_file(), format="turtle")
    directions = {str(d).rsplit("/", 1)[-1] for d in g.subjects(RDF.type, URIRef(VOCAB + "Direction"))}
    vocab = vocabulary()
    assert len(directions) == 9 and set(vocab.benefit) | set(vocab.harm) <= directions, "no unknown direction"
    assert set(vocab.benefit) == directions - {"Observed"}, "every direction of a benefit is read"
    assert set(vocab.harm) == directions - {"Resolved"}, "every direction of a harm is read"


def test_a_malformed_vocabulary_fails_naming_the_entry() -> None:
    from jakkg.evidence_map import parse_vocabulary

    base = ("groups:\n  - {name: Skin, outcomes: [%s]}\n  - {name: Other, default: true}\n"
            "other_diseases: []\nbenefit: {Improved: %s}\nharm: {}\n")
    assert parse_vocabulary(base % ("HP:0000988", "improved")).outcome_group == {
        "http://purl.obolibrary.org/obo/HP_0000988": "Skin"}
    with pytest.raises(ValueError, match=r"evidence-map.yaml: groups/Skin/outcomes: 'HPX0000988' is not a CURIE"):
        parse_vocabulary(base % ("HPX0000988", "improved"))
    with pytest.raises(ValueError, match=r"evidence-map.yaml: benefit/Improved: the effect must be one of"):
        parse_vocabulary(base % ("HP:0000988", "better"))
