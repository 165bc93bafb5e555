"""Load data/ into typed models and check the corpus as a whole.

Layout of data/ (see data/README.md):

- ``sources.yaml``: ``papers`` (in the corpus, each with its seed text) and
  ``studies`` (reported by a paper, not in the corpus);
- ``entities/*.yaml``: entity key -> standard CURIE, label, category;
- ``claims/*.yaml``: one file per paper, with its cohorts, patients and claims;
- ``patients/*.csv``: per-patient tables, referenced from a claims file.

Every problem is collected with its file, line and record id; loading fails
once, at the end, with all of them (:class:`jakkg.errors.DataError`).
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import DataError, Problem, display_path
from .identifiers import curie_problem
from .model import Claim, Cohort, Curation, Entity, Patient, Skipped, Study
from .quotes import QuoteMatch, paper_text
from .vocab import COHORT, PATIENT, Vocabulary, default_vocabulary
from .yamlnodes import Mapping, MarkedYAMLError, Sequence, YAMLError, load_yaml

MEASUREMENT_COLUMN = re.compile(r"^(?P<instrument>[^@]+)@(?P<time>[^:]+)(?::(?P<part>sd|out_of))?$")
NA = {"", "NA", "N/A", "na"}
PATIENT_COLUMNS = ("id", "cohort", "label", "age_years", "sex", "disease", "disease_duration_years", "autoantibodies",
                   "seronegative", "previous_treatments", "drugs", "quote")


@dataclass
class Corpus:
    """Everything in data/, checked, with quote positions resolved."""

    data_dir: Path
    sources_dir: Path
    papers: dict[str, Study] = field(default_factory=dict)
    studies: dict[str, Study] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    by_curie: dict[str, Entity] = field(default_factory=dict)
    cohorts: dict[str, Cohort] = field(default_factory=dict)
    patients: dict[str, Patient] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    skipped: dict[str, list[Skipped]] = field(default_factory=dict)  # paper id -> skipped sentences
    skip_matches: dict[str, list[tuple[QuoteMatch, str]]] = field(default_factory=dict)  # paper id -> (where, reason)
    source_of: dict[str, str] = field(default_factory=dict)  # record id -> paper id
    quotes: dict[tuple[str, int], QuoteMatch] = field(default_factory=dict)  # (record id, i) -> match
    vocab: Vocabulary = field(default_factory=default_vocabulary)
    files: dict[Path, str] = field(default_factory=dict)  # claims file read in this load -> its paper id
    tables: dict[Path, list[Path]] = field(default_factory=dict)  # claims file -> the patient tables it names
    curation: dict[str, Curation] = field(default_factory=dict)  # claims file (as records name it) -> who curated it, when

    def all_studies(self) -> dict[str, Study]:
        return {**self.studies, **self.papers}

    def resolve(self, key: str) -> Entity | None:
        """The entity a key or CURIE names."""
        if key in self.entities:
            return self.entities[key]
        return self.by_curie.get(key)


@dataclass(slots=True)
class CachedRecord:
    """Stand-in for a cohort, patient or claim of a paper whose load and build are cached (:mod:`jakkg.buildcache`).

    It carries what the checks and the builder of *other* papers ask of a
    record (that it exists, its kind -- the dict it is in --, its label),
    and where it was defined, for the duplicate-id check.
    """

    id: str
    label: str | None
    file: str
    line: int


class _Loader:
    """Collects problems while reading; one instance per load."""

    def __init__(self, data_dir: Path, sources_dir: Path, vocab: Vocabulary):
        self.corpus = Corpus(data_dir=data_dir, sources_dir=sources_dir, vocab=vocab)
        self.problems: list[Problem] = []

    # -- reading --------------------------------------------------------
    def problem(self, path: Path | str, line: int | None, item: str | None, message: str) -> None:
        self.problems.append(Problem(display_path(path), line, item, message))

    def read_yaml(self, path: Path) -> Any:
        try:
            return load_yaml(path.read_text(encoding="utf-8"))
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            self.problem(path, line, None, f"YAML syntax error: {exc.problem or exc}")
        except YAMLError as exc:  # a reader error: a control character such as NUL
            self.problem(path, getattr(getattr(exc, "problem_mark", None), "line", -1) + 1 or None, None,
                         f"not a YAML text: {' '.join(str(exc).split())[:200]}")
        except UnicodeDecodeError as exc:
            self.problem(path, None, None, f"not UTF-8 text (byte {exc.start} is {exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8")
        except OSError as exc:
            self.problem(path, None, None, f"cannot read file: {exc.strerror}")
        return None

    def build(self, model: type[BaseModel], raw: Any, path: Path, line: int, item: str | None, prefix: str = "",
              **extra: Any) -> Any:
        """Validate one record; report every field error at the field's own line (``prefix``: the section's name)."""
        if not isinstance(raw, dict):
            self.problem(path, line, item, f"expected a mapping, got {type(raw).__name__}")
            return None
        try:
            return model.model_validate({**dict(raw), **extra})
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(x) for x in err["loc"]]
                field_line = _field_line(raw, loc, line)
                where = prefix + ".".join(loc) if loc else "record"
                msg = err["msg"].removeprefix("Value error, ")
                if err["type"] == "missing":
                    msg = "required field is missing"
                elif err["type"] == "extra_forbidden":
                    msg = "unknown field (check spelling; see data/README.md for the fields)"
                self.problem(path, field_line, item, f"{where}: {msg}" if loc else msg)
            return None

    # -- sources --------------------------------------------------------
    def load_sources(self, path: Path) -> None:
        doc = self.read_yaml(path)
        if doc is None:
            return
        for section, target, needs_seed in (("papers", self.corpus.papers, True), ("studies", self.corpus.studies, False)):
            for raw, line in _items(doc.get(section) or []):
                item = raw.get("id") if isinstance(raw, dict) else None
                study = self.build(Study, raw, path, line, item)
                if study is None:
                    continue
                if study.id in self.corpus.papers or study.id in self.corpus.studies:
                    self.problem(path, line, study.id, "duplicate study id")
                    continue
                if needs_seed:
                    if not study.seed:
                        self.problem(path, line, study.id, "a paper needs 'seed': the file name of its text")
                    elif not (self.corpus.sources_dir / study.seed).is_file():
                        self.problem(path, line, study.id, f"seed text {study.seed!r} not found in {display_path(self.corpus.sources_dir)}")
                    if not study.doi:
                        self.problem(path, line, study.id, "a paper needs its DOI")
                target[study.id] = study

    # -- entities -------------------------------------------------------
    def load_entities(self, paths: Iterable[Path]) -> None:
        seen: dict[str, str] = {}
        curies: dict[str, str] = {}
        for path in paths:
            doc = self.read_yaml(path)
            if doc is None:
                continue
            if not isinstance(doc, dict):
                self.problem(path, 1, None, "an entities file maps entity keys to their CURIE, label and category")
                continue
            for key, raw in doc.items():
                line = doc.lc.key(key)[0] + 1
                where = f"{display_path(path)}:{line}"
                if key in seen:
                    self.problem(path, line, key, f"duplicate entity key (first defined at {seen[key]})")
                    continue
                seen[key] = where
                entity = self.build(Entity, raw, path, line, key, key=key)
                if entity is None:
                    continue
                if (why := curie_problem(entity.curie)) is not None:
                    self.problem(path, _field_line(raw, ["curie"], line), key, why)
                    continue
                if entity.category not in self.corpus.vocab.categories:
                    self.problem(path, _field_line(raw, ["category"], line), key,
                                 f"unknown category {entity.category!r} (one of {', '.join(sorted(self.corpus.vocab.categories))})")
                    continue
                if entity.curie in curies:
                    self.problem(path, line, key, f"CURIE {entity.curie} already used by entity {curies[entity.curie]!r}")
                    continue
                curies[entity.curie] = key
                entity.file, entity.line = display_path(path), line
                self.corpus.entities[key] = entity
                self.corpus.by_curie[entity.curie] = entity

    # -- claims files ---------------------------------------------------
    def claims_files(self, folder: Path) -> list[Path]:
        """The claims files, in name order; a missing folder or a file that is not ``*.yaml`` is a problem.

        A claims file renamed to ``.yml`` or saved as ``.json`` would otherwise
        drop its paper's claims without a word.
        """
        try:
            if not folder.is_dir():
                self.problem(folder, None, None, "claims folder not found: every paper's claims are in data/claims/NNN.yaml")
                return []
            entries = sorted(folder.iterdir())
        except OSError as exc:  # a looping symlink
            self.problem(folder, None, None, f"cannot read the claims folder: {exc.strerror}")
            return []
        files = []
        for path in entries:
            if path.name.startswith(".") or path.name.endswith("~"):
                continue  # editors' and the system's hidden files
            if path.suffix != ".yaml" or not path.is_file():
                self.problem(path, None, None, "not a claims file: claims files are NNN.yaml (rename it, or move it out of data/claims/)")
                continue
            files.append(path)
        return files

    def check_papers_have_claims(self) -> None:
        """A paper listed in sources.yaml with no claim at all is a problem (a forgotten or emptied file)."""
        with_claims = {self.corpus.source_of[claim_id] for claim_id in self.corpus.claims}
        for paper_id, paper in self.corpus.papers.items():
            if paper_id not in with_claims and not paper.uncurated:
                self.problem(self.corpus.data_dir / "sources.yaml", None, paper_id,
                             f"paper has no claims: add its claims file to data/claims/ (with 'source: {paper_id}'), "
                             "or mark the paper 'uncurated: true' in sources.yaml while its claims are not curated yet")

    def load_claims_file(self, path: Path) -> None:
        doc = self.read_yaml(path)
        if doc is None:
            if not any(p.file == display_path(path) for p in self.problems):
                self.problem(path, 1, None, "empty claims file: a claims file starts with 'source: <paper id>' and lists claims")
            return
        if not isinstance(doc, dict) or "source" not in doc:
            self.problem(path, 1, None, "a claims file starts with 'source: <paper id>'")
            return
        source = str(doc["source"])
        if source not in self.corpus.papers:
            self.problem(path, doc.lc.key("source")[0] + 1, None, f"unknown paper {source!r} (papers are listed in sources.yaml)")
            return
        self.load_curation(doc, path)
        for raw, line in _items(doc.get("cohorts") or []):
            self.add(Cohort, raw, path, line, source, self.corpus.cohorts)
        for raw, line in _items(doc.get("patients") or []):
            self.add(Patient, raw, path, line, source, self.corpus.patients)
        self.corpus.files[path] = source
        for name in _as_list(doc.get("patient_tables")):
            self.corpus.tables.setdefault(path, []).append(self.corpus.data_dir / str(name))
            self.load_patient_table(self.corpus.data_dir / str(name), source, path)
        claims = _items(doc.get("claims") or [])
        if not claims:
            where = doc.lc.key("claims")[0] + 1 if "claims" in doc else 1
            self.problem(path, where, None, "the file lists no claim (a 'claims:' list of at least one claim is expected)")
        for raw, line in claims:
            self.add(Claim, raw, path, line, source, self.corpus.claims)
        for raw, line in _items(doc.get("skipped") or []):
            skip = self.build(Skipped, raw, path, line, None)
            if skip is not None:
                skip.file, skip.line = display_path(path), line
                self.corpus.skipped.setdefault(source, []).append(skip)
        for key in doc:
            if key not in ("source", "curation", "cohorts", "patients", "patient_tables", "claims", "skipped"):
                self.problem(path, doc.lc.key(key)[0] + 1, None, f"unknown section {key!r}")

    def load_curation(self, doc: Any, path: Path) -> None:
        """The file's ``curation:`` block (created, curators), required: the nanopublications' pubinfo needs both.

        Without it the graph would say nothing of who curated the claims and
        when, and that must not pass unnoticed (issue 12: nothing lost silently).
        """
        if "curation" not in doc:
            self.problem(path, 1, None, "missing 'curation:' block: a claims file says who curated it and when "
                                        "(curation: {created: YYYY-MM-DD, curators: [jakkg-curation-team or ORCID iDs]}; "
                                        "see data/README.md)")
            return
        line = doc.lc.key("curation")[0] + 1
        curation = self.build(Curation, doc["curation"], path, line, None, prefix="curation.")
        if curation is not None:
            self.corpus.curation[display_path(path)] = curation

    def add(self, model: type[BaseModel], raw: Any, path: Path, line: int, source: str, target: dict[str, Any]) -> None:
        item = raw.get("id") if isinstance(raw, dict) else None
        record = self.build(model, raw, path, line, item)
        if record is None:
            return
        record.file, record.line = display_path(path), line
        if hasattr(record, "quote_lines"):
            record.quote_lines = [_field_line(raw, ["quote", str(i)], _field_line(raw, ["quote"], line)) for i in range(len(record.quote))]
        first = self.corpus.claims.get(record.id) or self.corpus.cohorts.get(record.id) or self.corpus.patients.get(record.id)
        if first is not None:
            self.problem(path, line, record.id, f"duplicate id (first defined at {first.file}:{first.line}; ids of claims, cohorts and patients are unique across data/)")
            return
        target[record.id] = record
        self.corpus.source_of[record.id] = source

    def add_cached(self, kind: str, record: CachedRecord, source: str) -> None:
        """Add a cached paper's record stand-in where :meth:`add` would have put the record itself.

        Dict order is what a clean load gives (files in name order), so the
        manifest and the build keep their order; a duplicate id is a problem
        (the caller then loads everything again to report it as a clean load does).
        """
        c = self.corpus
        if record.id in c.claims or record.id in c.cohorts or record.id in c.patients:
            self.problem(record.file, record.line, record.id, "duplicate id")
            return
        getattr(c, kind)[record.id] = record
        c.source_of[record.id] = source

    def load_patient_table(self, path: Path, source: str, referenced_from: Path) -> None:
        """Read a per-patient CSV: fixed columns plus INSTRUMENT@TIME[:sd] measurement columns."""
        if not path.is_file():
            self.problem(referenced_from, None, None, f"patient table {display_path(path)} not found")
            return
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in PATIENT_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:  # a dropped column would silently empty that field for every patient
                    self.problem(path, 1, None, f"missing column(s) {', '.join(missing)}: a patient table has the columns "
                                                f"{', '.join(PATIENT_COLUMNS)} (leave a cell empty or NA when unknown)")
                    return
                for row in reader:
                    line = reader.line_num
                    try:
                        raw = _patient_row(row)
                    except ValueError as exc:
                        self.problem(path, line, row.get("id"), str(exc))
                        continue
                    self.add(Patient, raw, path, line, source, self.corpus.patients)
        except UnicodeDecodeError as exc:
            self.problem(path, None, None, f"not UTF-8 text (byte {exc.start}); save the table as UTF-8 CSV")
        except csv.Error as exc:  # a NUL byte, a binary file
            self.problem(path, None, None, f"not a CSV table: {exc}")

    # -- cross-references -----------------------------------------------
    def check_references(self) -> None:
        c = self.corpus
        studies = c.all_studies()

        def entity(key: str | None, where: Any, field_name: str, categories: set[str] | None = None) -> None:
            if key is None:
                return
            ent = c.resolve(key)
            if ent is None:
                hint = curie_problem(key) if ":" in key else None
                self.problem(where.file, where.line, where.id,
                             f"{field_name}: unknown entity {key!r}" + (f" ({hint})" if hint else " (add it to data/entities/)"))
            elif categories and ent.category not in categories:
                self.problem(where.file, where.line, where.id,
                             f"{field_name}: {key!r} is a {ent.category}, expected {' or '.join(sorted(categories))}")

        def study(key: str | None, where: Any) -> None:
            if key is not None and key not in studies:
                self.problem(where.file, where.line, where.id, f"attributed_to: unknown study {key!r} (add it to sources.yaml)")

        for co in _fresh(c.cohorts.values()):
            entity(co.disease, co, "disease", {"disease"})
            for d in co.drugs:
                entity(d, co, "drugs", {"drug", "drug_class", "procedure"})
            for d in co.design:
                entity(d, co, "design", {"study_design"})
            study(co.attributed_to, co)
        for p in _fresh(c.patients.values()):
            if p.cohort not in c.cohorts:
                self.problem(p.file, p.line, p.id, f"cohort: unknown cohort {p.cohort!r}")
            entity(p.disease, p, "disease", {"disease"})
            for a in p.autoantibodies:
                entity(a, p, "autoantibodies", {"gene"})
            for d in p.previous_treatments + p.drugs:
                entity(d, p, "drugs", {"drug", "drug_class", "procedure"})
            for m in p.measurements:
                entity(m.instrument, p, "measurement", {"outcome_measure"})
            study(p.attributed_to, p)
        for cl in _fresh(c.claims.values()):
            self.check_claim(cl, entity, study)

    def check_claim(self, cl: Claim, entity: Any, study: Any) -> None:
        c, vocab = self.corpus, self.corpus.vocab
        if cl.category not in vocab.claim_categories:
            self.problem(cl.file, cl.line, cl.id, f"category: unknown claim category {cl.category!r} (one of {', '.join(sorted(vocab.claim_categories))})")
        pred = vocab.predicates.get(cl.predicate)
        if pred is None:
            self.problem(cl.file, cl.line, cl.id, f"predicate: unknown predicate {cl.predicate!r} (one of {', '.join(sorted(vocab.predicates))})")
        for role in ("subject", "object"):
            key = getattr(cl, role)
            allowed = (pred.subject_classes if role == "subject" else pred.object_classes) if pred else frozenset()
            if key in c.cohorts or key in c.patients:
                cls = COHORT if key in c.cohorts else PATIENT
                if pred and cls not in allowed:
                    self.problem(cl.file, cl.line, cl.id, f"{role}: {key!r} is a {'cohort' if cls == COHORT else 'patient'}, which predicate {pred.key!r} does not take as {role}")
                continue
            ent = c.resolve(key)
            if ent is None:
                entity(key, cl, role)
            elif pred and vocab.categories[ent.category] not in allowed:
                allowed_keys = sorted(filter(None, (vocab.category_key(a) or ("cohort" if a == COHORT else "patient" if a == PATIENT else None) for a in allowed)))
                self.problem(cl.file, cl.line, cl.id,
                             f"{role}: {key!r} is a {ent.category}; predicate {pred.key!r} takes a {' or '.join(allowed_keys)} as {role}")
        if cl.population is not None and cl.population not in c.cohorts and cl.population not in c.patients:
            self.problem(cl.file, cl.line, cl.id, f"population: unknown cohort or patient {cl.population!r}")
        entity(cl.instrument, cl, "instrument", {"outcome_measure"})
        if cl.direction is not None and cl.direction not in vocab.directions:
            self.problem(cl.file, cl.line, cl.id, f"direction: unknown direction {cl.direction!r} (one of {', '.join(sorted(vocab.directions))})")
        if cl.hedging not in vocab.hedging:
            self.problem(cl.file, cl.line, cl.id, f"hedging: unknown hedging {cl.hedging!r} (one of {', '.join(sorted(vocab.hedging))})")
        if cl.evidence is not None and (why := curie_problem(cl.evidence)):
            self.problem(cl.file, cl.line, cl.id, f"evidence: {why}")
        study(cl.attributed_to, cl)
        for other in cl.disagrees_with:
            if other not in c.claims:
                self.problem(cl.file, cl.line, cl.id, f"disagrees_with: unknown claim {other!r}")
            elif other == cl.id:
                self.problem(cl.file, cl.line, cl.id, "disagrees_with: a claim cannot disagree with itself")

    def check_quotes(self) -> None:
        """Find every quote in its paper's text and remember where, one paper at a time."""
        c = self.corpus
        by_paper: dict[str, list[Any]] = {}
        for rec in _fresh([*c.cohorts.values(), *c.patients.values(), *c.claims.values()]):
            by_paper.setdefault(c.source_of[rec.id], []).append(rec)
        for paper_id in sorted(set(by_paper) | set(c.skipped)):
            paper = c.papers[paper_id]
            seed = c.sources_dir / (paper.seed or "")
            if not seed.is_file():
                continue  # already reported on the paper
            text = paper_text(seed.resolve())
            for rec in by_paper.get(paper_id, []):
                for i, quote in enumerate(rec.quote):
                    match = text.find(quote)
                    if match is None:
                        short = quote if len(quote) <= 80 else quote[:77] + "..."
                        line = rec.quote_lines[i] if i < len(rec.quote_lines) else rec.line
                        self.problem(rec.file, line, rec.id, f"quote not found in {paper.seed} ({paper.id}): {short!r}"
                                     + self.found_elsewhere(quote, paper_id))
                    else:
                        c.quotes[(rec.id, i)] = match
            for skip in c.skipped.get(paper_id, []):
                for quote in skip.quote:
                    if (match := text.find(quote)) is None:
                        self.problem(skip.file, skip.line, "skipped", f"quote not found in {seed.name}: {quote[:80]!r}")
                    else:
                        c.skip_matches.setdefault(paper_id, []).append((match, skip.reason))


    def found_elsewhere(self, quote: str, paper_id: str) -> str:
        """'; it is in paper X's text' when another paper of the corpus has the quote (a record in the wrong file).

        Runs on the error path only, and at most for the first 20 missing quotes.
        """
        self._searched = getattr(self, "_searched", 0) + 1
        if self._searched > 20:
            return ""
        for other_id, other in self.corpus.papers.items():
            seed = self.corpus.sources_dir / (other.seed or "")
            if other_id != paper_id and seed.is_file() and paper_text(seed.resolve()).find(quote) is not None:
                return f"; it is in {other.seed} ({other_id}): is the record in the right claims file?"
        return ""


def load_corpus(data_dir: Path, sources_dir: Path, vocab: Vocabulary | None = None, cache: Any = None) -> Corpus:
    """Read and check everything in ``data_dir``; raise DataError listing every problem.

    ``cache`` (a :class:`jakkg.buildcache.PaperCache`): a claims file whose
    inputs are unchanged since a build that cached it is not read again; its
    records come in as :class:`CachedRecord` stand-ins and only the checks
    across papers (unique ids, references between papers, papers without
    claims) run on them. A cached paper had no problem; should this load find
    any, or should a cached paper's references to other papers have
    changed, everything is loaded again without the cache, so messages and
    graph are a clean load's.
    """
    if vocab is not None:
        cache = None  # the cache's keys assume the packaged vocabulary
    corpus = _load(Path(data_dir), Path(sources_dir), vocab, cache)
    if cache is not None and cache.restored and (corpus is None or not cache.consistent(corpus)):
        cache.forget()
        corpus = _load(Path(data_dir), Path(sources_dir), vocab, None)
    if isinstance(corpus, _Loader):
        raise DataError(corpus.problems)
    return corpus


def _load(data_dir: Path, sources_dir: Path, vocab: Vocabulary | None, cache: Any) -> Any:
    """The corpus; or, when there are problems, the loader that has them (None if the cache was used)."""
    loader = _Loader(data_dir, Path(sources_dir), vocab or default_vocabulary())
    if not data_dir.is_dir():
        raise DataError([Problem(display_path(data_dir), None, None, "data directory not found")])
    if not Path(sources_dir).is_dir():
        loader.problem(sources_dir, None, None, "sources directory (paper texts) not found; pass --sources")
    sources = data_dir / "sources.yaml"
    if not sources.is_file():
        loader.problem(sources, None, None, "missing: every corpus needs sources.yaml")
    else:
        loader.load_sources(sources)
    loader.load_entities(sorted((data_dir / "entities").glob("*.yaml")))
    for path in loader.claims_files(data_dir / "claims"):
        if cache is None or not cache.restore(loader, path):
            loader.load_claims_file(path)
    loader.check_papers_have_claims()
    loader.check_references()
    loader.check_quotes()
    if loader.problems:
        return None if cache is not None and cache.restored else loader
    return loader.corpus


# -- helpers ----------------------------------------------------------------
def _fresh(records: Iterable[Any]) -> list[Any]:
    """The records read from their files in this load, not the stand-ins of cached papers (checked when cached)."""
    return [r for r in records if not isinstance(r, CachedRecord)]


def _items(seq: Any) -> Iterable[tuple[Any, int]]:
    """The items of a YAML list with their 1-based line numbers."""
    if not isinstance(seq, Sequence):
        return []
    return [(item, seq.lc.item(i)[0] + 1) for i, item in enumerate(seq)]


def _field_line(raw: Any, loc: list[str], default: int) -> int:
    """The line of the innermost field of ``loc`` found in the YAML mapping."""
    line, node = default, raw
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, Sequence) and part.isdigit() and int(part) < len(node):
            line = node.lc.item(int(part))[0] + 1
            node = node[int(part)]
        else:
            break
    return line


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _number(text: str, column: str) -> Decimal | None:
    text = text.strip()
    if text in NA:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"column {column!r}: {text!r} is not a number") from None


def _patient_row(row: dict[str, str]) -> dict[str, Any]:
    """Turn one CSV row into the fields of a Patient."""
    list_cols = ("autoantibodies", "previous_treatments", "drugs", "quote")
    raw: dict[str, Any] = {}
    measurements: dict[tuple[str, str], dict[str, Any]] = {}
    dose: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None:
            raise ValueError("row has more cells than the header")
        cell = (cell or "").strip()
        if m := MEASUREMENT_COLUMN.match(column):
            value = _number(cell, column)
            if value is None:
                continue
            rec = measurements.setdefault((m["instrument"], m["time"]), {"instrument": m["instrument"], "time": m["time"]})
            rec[m["part"] or "value"] = value
        elif column.startswith("dose_"):
            if cell not in NA:
                dose[column.removeprefix("dose_")] = cell
        elif column in list_cols:
            raw[column] = [] if cell in NA else [x.strip() for x in cell.split(";") if x.strip()]
        elif column == "seronegative":
            raw[column] = cell.lower() in ("true", "yes", "1")
        elif cell not in NA:
            raw[column] = cell
    for key, rec in measurements.items():
        if "value" not in rec:
            raise ValueError(f"measurement {key[0]}@{key[1]} has an sd but no value")
    raw["measurements"] = [measurements[k] for k in measurements]
    if dose:
        raw["dose"] = dose
    return raw
