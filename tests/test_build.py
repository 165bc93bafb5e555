"""The built graph: round trip, standard IRIs, negation, determinism, atomic output."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from jakkg.build import CORPUS_GRAPH, JAKKG, OA, GraphBuilder, agent_iri, claim_iri, nanopub_iri, part_iri
from jakkg.identifiers import expand
from jakkg.read import read_claims

from .conftest import DATA, copy_data, run_cli

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes, rdflib.XSD warns
STANDARD_IRI_PREFIXES = (
    "http://purl.obolibrary.org/obo/",
    "https://identifiers.org/",  # prefixes Biolink has not (FamPlex)
    "http://identifiers.org/hgnc/", "http://identifiers.org/drugbank/",  # Biolink's prefix map (src/jakkg/prefixes.json)
    "http://id.nlm.nih.gov/mesh/", "http://www.ebi.ac.uk/efo/EFO_",
    "https://w3id.org/biolink/vocab/",
    "https://loinc.org/",
    "https://w3id.org/jakkg/vocab/",  # minted, always marked unverified
)


def test_round_trip_yaml_rdf_parse_gives_the_same_claims(built: Path, corpus) -> None:
    """YAML -> RDF (TriG on disk) -> parse -> the very claims that were loaded."""
    ds = Dataset()
    ds.parse(built / "jakdm.trig", format="trig")
    back = read_claims(ds)
    assert set(back) == set(corpus.claims)
    for claim_id, claim in corpus.claims.items():
        expected = claim.model_dump()
        expected["disagrees_with"] = sorted(expected["disagrees_with"])
        assert back[claim_id].model_dump() == expected, claim_id
        assert (back[claim_id].file, back[claim_id].line) == (claim.file, claim.line)


def test_turtle_parses_and_entities_use_standard_iris(built: Path, corpus) -> None:
    g = Graph().parse(built / "jakdm.ttl", format="turtle")
    assert len(g) > 1000
    for entity in corpus.entities.values():
        iri = URIRef(expand(entity.curie))
        assert (iri, None, None) in g, entity.key
        assert str(iri).startswith(STANDARD_IRI_PREFIXES), iri
        if str(iri).startswith("https://w3id.org/jakkg/"):
            assert not entity.verified, f"{entity.key}: a minted identifier must be marked unverified"
    assert URIRef("http://purl.obolibrary.org/obo/CHEBI_95341") in set(g.subjects())
    assert URIRef("http://identifiers.org/hgnc/6190") in set(g.subjects())


def test_ntriples_is_the_same_graph_as_turtle(built: Path) -> None:
    ttl = Graph().parse(built / "jakdm.ttl", format="turtle")
    nt = Graph().parse(built / "jakdm.nt", format="nt")
    assert len(ttl) == len(nt)
    assert set(ttl) == set(nt)


def test_each_claim_is_a_nanopublication(dataset, corpus) -> None:
    claim_id = "LC22-C017"
    head = dataset.graph(part_iri(claim_id, "Head"))
    assert len(head) == 4
    assertion = dataset.graph(part_iri(claim_id, "assertion"))
    assert (claim_iri(claim_id), RDF.type, JAKKG.EfficacyClaim) in assertion
    provenance = dataset.graph(part_iri(claim_id, "provenance"))
    assert len(list(provenance.subjects(OA.hasBody, claim_iri(claim_id)))) == 2
    pubinfo = dataset.graph(part_iri(claim_id, "pubinfo"))
    assert (claim_iri(claim_id), JAKKG.curationFile, None) in pubinfo


def test_pubinfo_says_who_curated_and_when_from_the_data(dataset, corpus) -> None:
    """Every nanopublication's pubinfo has its file's curation date and curators, not the build's clock (issue 13)."""
    team = agent_iri("jakkg-curation-team")
    for claim in corpus.claims.values():
        pubinfo = dataset.graph(part_iri(claim.id, "pubinfo"))
        np_iri = nanopub_iri(claim.id)
        assert list(pubinfo.objects(np_iri, DCTERMS.created)) == [Literal("2026-11-21T00:00:00", datatype=XSD.dateTime)], claim.id
        assert list(pubinfo.objects(np_iri, DCTERMS.creator)) == [team], claim.id
    shared = dataset.graph(CORPUS_GRAPH)
    assert {(p, o) for p, o in shared.predicate_objects(team)} == {
        (RDF.type, PROV.Agent), (RDF.type, FOAF.Organization), (RDFS.label, Literal("jakkg curation team"))}


def test_claim_date_and_orcid_curators_reach_the_pubinfo(tmp_path: Path, seeds_dir: Path) -> None:
    """CLI in, TriG out: a claim's own ``created`` overrides its file's; an ORCID iD is a creator as written."""
    data = copy_data(tmp_path)
    orcid = "https://orcid.org/0000-0002-1825-0097"  # ORCID's example iD
    path = data / "claims" / "002.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("curators: [jakkg-curation-team]", f"curators: [jakkg-curation-team, '{orcid}']", 1)
    text = text.replace("    n: 9\n    N: 16\n    percent: 56", "    n: 9\n    N: 16\n    percent: 56\n    created: 2027-01-05", 1)
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(tmp_path / "out" / "jakdm.trig", format="trig")

    def pubinfo(claim_id: str, prop: URIRef) -> set:
        return set(ds.graph(part_iri(claim_id, "pubinfo")).objects(nanopub_iri(claim_id), prop))

    assert pubinfo("LC22-C010", DCTERMS.created) == {Literal("2027-01-05T00:00:00", datatype=XSD.dateTime)}
    assert pubinfo("LC22-C009", DCTERMS.created) == {Literal("2026-11-21T00:00:00", datatype=XSD.dateTime)}
    assert pubinfo("LC22-C009", DCTERMS.creator) == {agent_iri("jakkg-curation-team"), URIRef(orcid)}
    assert pubinfo("AL19-C001", DCTERMS.creator) == {agent_iri("jakkg-curation-team")}  # another file: its own block


def test_negated_claim_keeps_its_node_but_not_the_plain_triple(dataset, corpus) -> None:
    negated = [c for c in corpus.claims.values() if c.negated]
    assert negated, "the curated data has negated claims (events looked for and not seen)"
    node = GraphBuilder(corpus).node  # entity, cohort or patient IRI
    for claim in negated:
        assertion = dataset.graph(part_iri(claim.id, "assertion"))
        s, o = node(claim.subject), node(claim.object)
        p = corpus.vocab.predicates[claim.predicate].iri
        assert (s, p, o) not in assertion, claim.id
        assert (claim_iri(claim.id), RDF.subject, s) in assertion


def test_numbers_are_typed_literals(dataset) -> None:
    g = dataset.graph(part_iri("LC22-C017", "assertion"))
    baseline = g.value(claim_iri("LC22-C017"), JAKKG.baseline)
    mean = g.value(baseline, JAKKG.mean)
    assert mean.datatype == URIRef("http://www.w3.org/2001/XMLSchema#decimal") and mean.toPython() == 27
    p = g.value(claim_iri("LC22-C017"), JAKKG.pValue)
    assert str(g.value(p, JAKKG.comparator)) == "<" and float(g.value(p, JAKKG.singleValue)) == 0.0001


def _digest(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.glob("jakdm.*"))}


def test_same_data_gives_byte_identical_files(built: Path, tmp_path: Path, seeds_dir: Path) -> None:
    result = run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert _digest(tmp_path) == _digest(built)
    assert len(_digest(tmp_path)) == 3


def test_stats_counts_classes_and_sources(built: Path, corpus) -> None:
    import re

    result = run_cli("stats", built / "jakdm.trig")
    assert result.exit_code == 0, result.output
    assert re.search(rf"jakkg:Patient\s+{len(corpus.patients)}\n", result.output), result.output
    assert re.search(rf"jakkg:Claim\s+{len(corpus.claims)}\n", result.output), result.output
    own = sum(1 for c in corpus.claims.values() if corpus.source_of[c.id] == "landon-cardinal-2022")
    assert re.search(rf"Landon-Cardinal et al. 2022 \(claims\)\s+{own}\n", result.output), result.output


@pytest.mark.parametrize("name", ["missing.trig", "broken.ttl"])
def test_stats_on_unusable_file_exits_2(tmp_path: Path, name: str) -> None:
    if name == "broken.ttl":
        (tmp_path / name).write_text("<a> <b> .\n")
    result = run_cli("stats", tmp_path / name)
    assert result.exit_code == 2
    assert name in result.output


# -- the fast build path gives the graph the rdflib build gave -------------------------
SNAPSHOT = Path(__file__).parent / "data" / "seed-build.nq.gz"


def _quads(data: bytes | str, fmt) -> set[str]:
    import pyoxigraph as ox

    return {str(q) for q in ox.parse(data, format=fmt)}


def test_build_is_the_snapshot_graph(built: Path) -> None:
    """The TriG, Turtle and N-Triples of the curated data hold exactly the quads of the committed snapshot.

    tests/data/seed-build.nq.gz is the sorted N-Quads of the seed build; it was
    first taken with the rdflib builder, before the N-Quads builder replaced it,
    and is regenerated (with the reason in the commit) only when data/ changes
    what the graph says.
    """
    import gzip

    import pyoxigraph as ox

    snapshot = _quads(gzip.decompress(SNAPSHOT.read_bytes()), ox.RdfFormat.N_QUADS)
    assert _quads((built / "jakdm.trig").read_bytes(), ox.RdfFormat.TRIG) == snapshot
    merged = {str(ox.Triple(q.subject, q.predicate, q.object))
              for q in ox.parse(gzip.decompress(SNAPSHOT.read_bytes()), format=ox.RdfFormat.N_QUADS)}
    for name, fmt in (("jakdm.ttl", ox.RdfFormat.TURTLE), ("jakdm.nt", ox.RdfFormat.N_TRIPLES)):
        assert _quads((built / name).read_bytes(), fmt) == merged, name


def test_reference_dataset_is_the_built_graph(dataset, built: Path) -> None:
    """build_dataset (rdflib, what the tests mutate) holds the same quads as the published TriG."""
    import pyoxigraph as ox

    assert _quads(dataset.serialize(format="nquads"), ox.RdfFormat.N_QUADS) == \
        _quads((built / "jakdm.trig").read_bytes(), ox.RdfFormat.TRIG)


def test_each_subject_is_written_once_per_graph(built: Path) -> None:
    """The builder keeps a subject's lines together in each graph, so TriG never repeats a subject in a block."""
    import re

    text = (built / "jakdm.trig").read_text(encoding="utf-8")
    for block in re.findall(r"\{\n(.*?)\n\}", text, flags=re.DOTALL):
        subjects = [line.split(" ", 1)[0] for line in block.splitlines() if line and not line[0].isspace()]
        assert len(subjects) == len(set(subjects)), subjects[:5]


def test_failed_publish_keeps_every_previous_output(tmp_path: Path, seeds_dir: Path) -> None:
    """When one output cannot be replaced, none is: the previous build stays whole and no temporary file is left."""
    out = tmp_path / "build"
    assert run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-validate").exit_code == 0
    names = {p.name for p in out.iterdir()}  # with .cache/, the per-paper build cache
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / "jakdm.nt").unlink()
    (out / "jakdm.nt").mkdir()  # a directory where a file goes: its rename fails, after the others'
    (out / "jakdm.nt" / "keep").write_text("x")
    result = run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-validate")
    assert result.exit_code != 0
    assert {p.name for p in out.iterdir()} == names
    for name in ("jakdm.trig", "jakdm.ttl"):
        assert (out / name).read_bytes() == before[name], name


def test_outputs_and_reports_are_byte_identical_across_processes(tmp_path: Path, seeds_dir: Path) -> None:
    """Two processes with different hash seeds: the same files, the SHACL reports of build and validate included."""
    import os
    import subprocess
    import sys

    jakkg = Path(sys.executable).parent / "jakkg"
    for name, seed in (("a", "1"), ("b", "2")):
        out = tmp_path / name
        env = {**os.environ, "PYTHONHASHSEED": seed}
        build = subprocess.run([str(jakkg), "build", "--data", str(DATA), "--sources", str(seeds_dir), "--out", str(out),
                                "--report", str(out / "validation-report.ttl")], check=False, env=env, capture_output=True, text=True)
        assert build.returncode == 0, build.stderr
        check = subprocess.run([str(jakkg), "validate", str(out / "jakdm.ttl"), "--format", "turtle", "--output",
                                str(out / "validate-report.ttl")], check=False, env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    names = ["jakdm.trig", "jakdm.ttl", "jakdm.nt", "manifest.json", "validation-report.ttl", "validate-report.ttl"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert b"sh:result" in (tmp_path / "a" / "validation-report.ttl").read_bytes()
