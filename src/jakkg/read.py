"""Read claims back from the RDF graph into the same typed models that were loaded.

This is the inverse of :mod:`jakkg.build` for claims. It proves that the
graph loses nothing that a curator wrote (the round-trip test compares the
claims read back with the claims loaded from data/), and it lets tools work
from a published graph without the YAML.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import RDF, SKOS, Dataset, Graph, URIRef

from .build import ECO_OWN_STUDY, ECO_REFERENCED, JAKDM, JAKKG, OA, STAT_NUMBERS, STAT_PROPERTIES
from .identifiers import compress, expand
from .model import Claim, PValue, Stat
from .vocab import Vocabulary, default_vocabulary


def _local(iri: URIRef, kind: str) -> str:
    """The id in a jakdm IRI such as …/claim/LC22-C001."""
    return str(iri).removeprefix(str(JAKDM[f"{kind}/"]))


class ClaimReader:
    """Turns claim nodes of a merged graph back into :class:`Claim` models."""

    def __init__(self, graph: Graph, vocab: Vocabulary | None = None):
        self.g = graph
        vocab = vocab or default_vocabulary()
        self.predicates = {p.iri: key for key, p in vocab.predicates.items()}
        self.categories = {iri: key for key, iri in vocab.claim_categories.items()}
        self.directions = {iri: key for key, iri in vocab.directions.items()}
        self.hedging = {iri: key for key, iri in vocab.hedging.items()}
        self.time_points = {iri: key for key, iri in vocab.time_points.items()}

    def key(self, node: Any) -> str:
        """The curation key of an entity, or the id of a cohort or patient."""
        for kind in ("cohort", "patient"):
            if str(node).startswith(str(JAKDM[f"{kind}/"])):
                return _local(node, kind)
        key = self.g.value(node, JAKKG.curationKey)
        return str(key) if key is not None else str(node)

    def one(self, s: Any, p: Any) -> Any:
        return self.g.value(s, p)

    def time(self, node: Any, prop: URIRef) -> str | None:
        if (label := self.one(node, JAKKG.timePointLabel)) is not None:
            return self.time_points[label]
        value = self.one(node, prop)
        return None if value is None else str(value)

    def stat(self, node: Any) -> Stat:
        fields: dict[str, Any] = {}
        for name, prop in STAT_NUMBERS.items():
            if (v := self.one(node, prop)) is not None:
                fields[name] = Decimal(str(v))
        for name in ("unit", "frequency"):
            if (v := self.one(node, JAKKG[name])) is not None:
                fields[name] = str(v)
        if (t := self.time(node, JAKKG.statisticTime)) is not None:
            fields["time"] = t
        return Stat(**fields)

    def claim(self, node: URIRef) -> Claim:
        g = self.g
        category = next(self.categories[t] for t in g.objects(node, RDF.type) if t in self.categories)
        fields: dict[str, Any] = {
            "id": _local(node, "claim"),
            "category": category,
            "subject": self.key(self.one(node, RDF.subject)),
            "predicate": self.predicates[self.one(node, RDF.predicate)],
            "object": self.key(self.one(node, RDF.object)),
            "negated": bool(self.one(node, JAKKG.negated).toPython()),
            "hedging": self.hedging[self.one(node, JAKKG.hedging)],
        }
        optional = {
            "direction": lambda v: self.directions[v],
            "population": self.key,
            "instrument": self.key,
        }
        for name, convert in optional.items():
            if (v := self.one(node, JAKKG[name])) is not None:
                fields[name] = convert(v)
        for name, prop in (("n", JAKKG.responders), ("N", JAKKG.sampleSize)):
            if (v := self.one(node, prop)) is not None:
                fields[name] = int(v)
        if (v := self.one(node, JAKKG.percentage)) is not None:
            fields["percent"] = Decimal(str(v))
        for name, prop in STAT_PROPERTIES.items():
            if (v := self.one(node, prop)) is not None:
                fields[name] = self.stat(v)
        if (p := self.one(node, JAKKG.pValue)) is not None:
            fields["p_value"] = PValue(value=Decimal(str(self.one(p, JAKKG.singleValue))), comparator=str(self.one(p, JAKKG.comparator)))
        if (t := self.time(node, JAKKG.timePoint)) is not None:
            fields["time_point"] = t
        fields["disagrees_with"] = sorted(_local(o, "claim") for o in g.objects(node, JAKKG.disagreesWith))
        if (study := self.one(node, JAKKG.attributedTo)) is not None:
            fields["attributed_to"] = _local(study, "study")
        evidence = self.one(node, JAKKG.evidenceType)
        default = expand(ECO_REFERENCED if "attributed_to" in fields else ECO_OWN_STUDY)
        if evidence is not None and str(evidence) != default:
            fields["evidence"] = _curie_of(evidence)
        annotations = sorted(g.subjects(OA.hasBody, node), key=lambda a: int(str(a).rsplit("-", 1)[1]))
        fields["quote"] = [str(self.one(a, RDF.value)) for a in annotations]
        if (note := self.one(node, SKOS.editorialNote)) is not None:
            fields["note"] = str(note)
        claim = Claim(**fields)
        claim.file = str(self.one(node, JAKKG.curationFile) or "")
        claim.line = int(self.one(node, JAKKG.curationLine) or 0)
        return claim

    def claims(self) -> dict[str, Claim]:
        """Every claim node of the graph, by id."""
        nodes = sorted(set(self.g.subjects(RDF.type, JAKKG.Claim)))
        return {c.id: c for c in map(self.claim, nodes)}


def _curie_of(iri: Any) -> str:
    return compress(str(iri)) or str(iri)


def read_claims(graph: Graph | Dataset, vocab: Vocabulary | None = None) -> dict[str, Claim]:
    """The claims of a graph (a Dataset is read as the union of its graphs)."""
    if isinstance(graph, Dataset):
        merged = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            merged.add((s, p, o))
        graph = merged
    return ClaimReader(graph, vocab).claims()

