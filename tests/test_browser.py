"""The interactive page as a person uses it, in headless Chromium.

Chromium and its driver come from Debian (`chromium`, `chromium-driver`),
installed by `make setup-browser` (which `make test` runs); when they are
missing the tests fail with one line saying so -- a test never installs
anything. selenium drives /usr/bin/chromedriver; no browser is ever
downloaded, and the page is opened from a file:// URL.

Networking off: Chromium's own background traffic (component and extension
updates, the Google account check, network time, optimisation hints, the
search engine's new-tab page) is switched off or sent to a closed loopback
port, and every host name and address resolves to nothing, so no request can
leave the machine. test_the_browser_makes_no_network_request proves it from
Chromium's NetLog. To check from outside, run this file without a network:
``unshare -rn sh -c 'ip link set lo up && .venv/bin/pytest tests/test_browser.py'``.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from jakkg.analytics import drug_view
from jakkg.draw import OUTPUTS, page_context, page_ids
from jakkg.graph import graph_style, load_projection
from jakkg.store import load_store
from tests.conftest import run_cli
from tests.graph_support import build_corpus

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CLOSED_PORT = "http://127.0.0.1:9/"  # where the services that no flag switches off are sent; nothing listens
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
    # background networking off
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
    "--disable-extensions", "--disable-component-extensions-with-background-pages", "--safebrowsing-disable-auto-update",
    "--metrics-recording-only", "--no-first-run", "--no-default-browser-check", "--no-pings", "--dns-prefetch-disable",
    "--disable-quic",
    ("--disable-features=OptimizationHints,OptimizationGuideModelDownloading,OptimizationHintsFetching,"
     "OptimizationTargetPrediction,NetworkTimeServiceQuerying,Translate,MediaRouter,AutofillServerCommunication"),
    # the component updater and the Google account check run even so: point them at a closed local port
    f"--component-updater=url-source={CLOSED_PORT}", f"--gaia-url={CLOSED_PORT}",
    # and whatever is left cannot connect: no host name or address resolves
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
# Open about:blank first, not the new-tab page, which Debian's Chromium fills from its search engine's site
START_PREFS = {"session": {"restore_on_startup": 4, "startup_urls": ["about:blank"]}}


def require_chromium() -> None:
    """Fail in one line, naming the fix, when Debian's chromium or its driver is missing."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)) if not Path(path).exists()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed ({CHROMIUM}, {CHROMEDRIVER}): "
                    "`make setup-browser` installs them with apt-get (as root)", pytrace=False)


@contextmanager
def headless_chromium(netlog: Path | None = None) -> Iterator[object]:
    """Chromium driven by selenium, with networking off; ``netlog`` records its network activity."""
    require_chromium()
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium manager must not fetch anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="jakkg-chromium-")
    extra = [f"--log-net-log={netlog}", "--net-log-capture-mode=Default"] if netlog else []
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", START_PREFS)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with headless_chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page drawn by the CLI from the real data plus the test claims of papers 000 and 001."""
    build = build_corpus("full", tmp_path_factory.getbasetemp())
    out = tmp_path_factory.mktemp("page")
    result = run_cli("draw", build / "jakdm.trig", "--out", out)
    assert result.exit_code == 0, result.output
    shutil.copy(build / "jakdm.trig", out / "jakdm.trig")
    return out


def wait_ready(driver: object, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def shown(driver: object) -> tuple[set[str], set[str]]:
    """The page ids of the nodes and edges on the canvas (Cytoscape's :visible, column titles aside)."""
    nodes, edges = driver.execute_script(  # type: ignore[attr-defined]
        "const cy = window.jakkg.cy; return [cy.nodes(':visible').not('.column-title').map(n => n.id()),"
        " cy.edges(':visible').map(e => e.id())];")
    return set(nodes), set(edges)


def relaid(driver: object, change: str) -> None:
    """Run ``change`` (JavaScript) and wait until the page has laid the graph out again."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.execute_script("return document.body.getAttribute('data-layouts')")  # type: ignore[attr-defined]
    driver.execute_script(change)  # type: ignore[attr-defined]
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.getAttribute('data-layouts')") != before)


def choose(driver: object, select_id: str, value: str) -> None:
    """Pick ``value`` in a filter, as a person does (the change event), and wait for the new layout."""
    relaid(driver, f"const s = document.getElementById('{select_id}'); s.value = {value!r};"
                   " s.dispatchEvent(new Event('change'));")


def click_on_canvas(driver: object, element_id: str) -> None:
    """Centre the view on a node or edge and click it with the mouse (Cytoscape draws on a canvas)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    x, y, w, h = driver.execute_script(  # type: ignore[attr-defined]
        "const cy = window.jakkg.cy, e = cy.getElementById(arguments[0]); cy.center(e);"
        "const p = e.isEdge() ? e.renderedMidpoint() : e.renderedPosition(); return [p.x, p.y, cy.width(), cy.height()];", element_id)
    canvas = driver.find_element(By.ID, "cy")  # type: ignore[attr-defined]
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).click().perform()


class Expect:
    """What the page should show for a set of filters, computed in Python from the projection and the graph's context."""

    def __init__(self, G, context: dict) -> None:
        self.G, self.ctx = G, context
        self.nid, self.eid = page_ids(G)
        pop = graph_style().layer("cohort")
        self.population = {n for n, d in G.nodes(data=True) if d["layer"] == pop}

    def group(self, c: dict) -> str:
        return self.ctx["groups"].get(c["population"], "age not stated") if c.get("population") else "none"

    def view(self, claim_ok=lambda c: True, populations: bool = False, edges=None) -> tuple[set[str], set[str]]:
        on = [(u, v, k) for u, v, k, d in self.G.edges(keys=True, data=True)
              if (edges is None or (u, v, k) in edges) and (populations or not {u, v} & self.population)
              and any(claim_ok(c) for c in d["evidence"])]
        return {self.nid[n] for e in on for n in e[:2]}, {self.eid[e] for e in on}


def in_view(driver: object) -> bool:
    """The shown elements start on screen and fill a good part of it (not a speck in a blank view)."""
    box, w, h = driver.execute_script(  # type: ignore[attr-defined]
        "const cy = window.jakkg.cy, b = cy.elements(':visible').renderedBoundingBox(); return [b, cy.width(), cy.height()];")
    if box["x1"] < -5 or box["y1"] < -5:  # the top left of what is shown is on screen (a tall graph continues below)
        return False
    return min(box["x2"], w) - box["x1"] > 0.3 * w or min(box["y2"], h) - box["y1"] > 0.3 * h


def test_page_opens_on_the_core_and_answers_clicks(browser: object, page: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    G = load_projection(page / "jakdm.trig")
    expect = Expect(G, page_context(load_store(page / "jakdm.trig")))
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())

    # the opening view: every entity and edge but cohorts and patients, and the status line says so
    nodes, edges = shown(driver)
    assert (nodes, edges) == expect.view()
    assert not nodes & {expect.nid[n] for n in expect.population}, "patient history is not on the first screen"
    assert driver.find_element(By.ID, "shown-nodes").text == str(len(nodes))  # type: ignore[attr-defined]
    titles = driver.execute_script("return window.jakkg.cy.nodes('.column-title:visible').map(n => n.data('label'))")  # type: ignore[attr-defined]
    assert titles[:3] == ["Drugs", "Kinases & proteins", "Pathways"] and "Cohorts & patients" not in titles, titles

    # click the baricitinib -> JAK2 edge on the canvas and read its claims
    bari = expect.nid["CHEBI:95341"]
    edge = next(expect.eid[e] for e in G.edges(keys=True) if e[:2] == ("CHEBI:95341", "HGNC:6192"))
    click_on_canvas(driver, edge)
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: "GX-000-02" in details.text)
    quotes = [q.text for q in details.find_elements(By.CSS_SELECTOR, "blockquote.quote")]
    assert any("Since baricitinib is a JAK1/2 inhibitor" in q for q in quotes), quotes
    assert "https://doi.org/10.1093/brain/awz006" in [a.get_attribute("href") for a in details.find_elements(By.CSS_SELECTOR, "a")]
    assert "baricitinib" in details.find_element(By.CSS_SELECTOR, "h2").text
    assert driver.execute_script("return window.jakkg.cy.$(':selected').map(e => e.id())") == [edge]  # type: ignore[attr-defined]

    # the JAK2 -> growth hormone edge: two claims from two papers; its width says so
    two = next(expect.eid[e] for e in G.edges(keys=True) if e[:2] == ("HGNC:6192", "GO:0060396"))
    click_on_canvas(driver, two)
    WebDriverWait(driver, 10).until(lambda d: "GX-001-03" in details.text)
    m = re.search(r"(\d+) claims from (\d+) independent sources", details.text)
    assert m and int(m.group(1)) >= 2 and int(m.group(2)) >= 2, details.text
    widths = driver.execute_script(  # type: ignore[attr-defined]
        "const cy = window.jakkg.cy; return [arguments[0], arguments[1]].map(i => [parseFloat(cy.getElementById(i).style('width')),"
        " cy.getElementById(i).style('opacity')]);", two, edge)
    assert widths[0][0] > widths[1][0] and float(widths[0][1]) > float(widths[1][1]), "more claims: wider; two sources: opaque"

    # populations and instruments are named by their labels, never by identifiers
    click_on_canvas(driver, bari)
    WebDriverWait(driver, 10).until(lambda d: details.find_element(By.CSS_SELECTOR, "h2").text == "baricitinib")
    for button in details.find_elements(By.CSS_SELECTOR, ".edge-list button"):
        if "ameliorates" in button.text:
            button.click()
            break
    WebDriverWait(driver, 10).until(lambda d: details.find_elements(By.CSS_SELECTOR, ".population, .instrument"))
    for p in details.find_elements(By.CSS_SELECTOR, ".population, .instrument"):
        assert "jakdm:" not in p.text and "jakkg:" not in p.text, p.text

    shot = tmp_path / "page.png"
    assert driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    img = Image.open(shot).convert("RGB")
    assert img.width >= 1200 and img.height >= 700
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 15, "the screenshot is blank"
    assert len(img.resize((160, 100)).getcolors(maxcolors=20000) or []) > 40


def test_each_filter_lays_the_rest_out_again(browser: object, page: Path) -> None:
    """Drug, paper, design, population, negation and the cohorts toggle: the right elements, laid out again and in view."""
    driver = browser
    G = load_projection(page / "jakdm.trig")
    ctx = page_context(load_store(page / "jakdm.trig"))
    expect = Expect(G, ctx)
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    opening = driver.execute_script(  # type: ignore[attr-defined]
        "const p = window.jakkg.cy.getElementById(arguments[0]).position(); return [p.x, p.y];", expect.nid["HGNC:6192"])

    choose(driver, "drug-filter", expect.nid["CHEBI:95341"])
    _, on = drug_view(G, "CHEBI:95341")
    assert shown(driver) == expect.view(edges=set(on))
    assert expect.nid["CHEBI:71200"] not in shown(driver)[0] and expect.nid["HGNC:6192"] in shown(driver)[0]
    moved = driver.execute_script(  # type: ignore[attr-defined]
        "const p = window.jakkg.cy.getElementById(arguments[0]).position(); return [p.x, p.y];", expect.nid["HGNC:6192"])
    assert moved != opening, "the remaining graph is laid out again"
    assert in_view(driver), "the remaining graph fills the view"
    choose(driver, "drug-filter", "")

    papers = sorted({c["paper"] for _, _, d in G.edges(data=True) for c in d["evidence"]})
    choose(driver, "paper-filter", papers[0])
    assert shown(driver) == expect.view(lambda c: c["paper"] == papers[0]) and in_view(driver)
    choose(driver, "paper-filter", "")

    choose(driver, "design-filter", "Case Reports")
    want = expect.view(lambda c: "Case Reports" in ctx["designs"].get(c.get("attributed_to") or c["paper"], []))
    assert want[1] and shown(driver) == want and in_view(driver)
    choose(driver, "design-filter", "")

    choose(driver, "population-filter", "juvenile")
    want = expect.view(lambda c: expect.group(c) == "juvenile")
    assert want[1] and shown(driver) == want and in_view(driver)
    choose(driver, "population-filter", "")

    choose(driver, "negation-filter", "negated")
    want = expect.view(lambda c: c["negated"])
    assert want[1] and shown(driver) == want
    assert all(driver.execute_script("return window.jakkg.cy.edges(':visible').map(e => e.hasClass('dashed'))")), "negated: dashed"  # type: ignore[attr-defined]
    choose(driver, "negation-filter", "")

    relaid(driver, "const t = document.getElementById('populations-toggle'); t.click();")
    nodes, edges = shown(driver)
    assert (nodes, edges) == expect.view(populations=True) and nodes & {expect.nid[n] for n in expect.population}
    relaid(driver, "document.getElementById('reset').click();")
    assert shown(driver) == expect.view()


def test_evidence_level_filter_hides_weaker_claims_and_the_panel_shows_levels(browser: object, page: Path) -> None:
    """'Level k or better' keeps the claims of OCEBM level <= k (unrated ones go), lays them out again; each claim shows its level."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    G = load_projection(page / "jakdm.trig")
    ctx = page_context(load_store(page / "jakdm.trig"))
    expect = Expect(G, ctx)
    levels = ctx["levels"]
    assert set(levels.values()) >= {3, 4, 5}, "the seed corpus has claims of levels 3, 4 and 5"
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    offered = driver.execute_script("return Array.from(document.getElementById('level-filter').options).map(o => o.value)")  # type: ignore[attr-defined]
    assert offered == ["", *[str(k) for k in sorted(set(levels.values()))]], offered
    opening = shown(driver)

    choose(driver, "level-filter", "3")
    want = expect.view(lambda c: levels.get(c["claim"], 99) <= 3)
    assert want[1] and shown(driver) == want and in_view(driver), "level 3 or better only, laid out and in view"
    assert len(want[1]) < len(opening[1]), "weaker evidence is hidden"
    hidden = [eid for (u, v, k), eid in expect.eid.items() if eid in opening[1] and eid not in want[1]]
    assert hidden and all(min((levels.get(c["claim"], 99) for c in G.edges[u, v, k]["evidence"]), default=99) > 3
                          for (u, v, k), eid in expect.eid.items() if eid in hidden)
    positions = driver.execute_script(  # type: ignore[attr-defined]
        "return window.jakkg.cy.nodes(':visible').not('.column-title').map(n => [n.id(), n.position('x'), n.position('y')])")
    columns = {n: d["layer"] for n, d in G.nodes(data=True)}
    layer_of = {expect.nid[n]: layer for n, layer in columns.items()}
    xs = sorted((layer_of[i], x) for i, x, _ in positions)
    assert all(a[1] < b[1] for a, b in pairwise(xs) if a[0] < b[0]), "ELK keeps one column per category, left to right"

    choose(driver, "level-filter", "4")
    want4 = expect.view(lambda c: levels.get(c["claim"], 99) <= 4)
    assert shown(driver) == want4 and want[1] < want4[1] <= opening[1]

    # the claim panel names each claim's level, with its definition
    edge = next(iter(sorted(want[1])))
    driver.execute_script("window.jakkg.showEdge(arguments[0])", edge)  # type: ignore[attr-defined]
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.get_attribute("data-edge") == edge)
    tags = details.find_elements(By.CSS_SELECTOR, ".claim .tag.level")
    assert tags and any(t.text == "OCEBM level 3" for t in tags), [t.text for t in tags]
    assert "Non-randomized controlled cohort" in next(t for t in tags if t.text == "OCEBM level 3").get_attribute("title")
    assert details.find_elements(By.CSS_SELECTOR, ".claim .tag.design"), "the study design is shown beside the level"
    assert "best level of evidence: OCEBM 3" in details.text
    relaid(driver, "document.getElementById('reset').click();")
    assert shown(driver) == opening


def test_search_finds_labels_synonyms_curies_and_quotes(browser: object, page: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    G = load_projection(page / "jakdm.trig")
    ctx = page_context(load_store(page / "jakdm.trig"))
    nid, eid = page_ids(G)
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    search = driver.find_element(By.ID, "search")  # type: ignore[attr-defined]
    results = driver.find_element(By.ID, "results")  # type: ignore[attr-defined]

    def found(text: str) -> tuple[set[str], set[str]]:
        search.clear()
        search.send_keys(text)
        WebDriverWait(driver, 10).until(lambda d: text in results.text)
        return ({b.get_attribute("data-node") for b in results.find_elements(By.CSS_SELECTOR, "button[data-node]")},
                {b.get_attribute("data-edge") for b in results.find_elements(By.CSS_SELECTOR, "button[data-edge]")})

    assert nid["GO:0060396"] in found("growth hormone")[0]
    node, synonym = next((n, s[0]) for n, s in sorted(ctx["synonyms"].items()) if n in nid and s[0].lower() not in G.nodes[n]["label"].lower())
    assert nid[node] in found(synonym)[0], f"synonym {synonym!r} of {node}"
    assert nid["HGNC:6192"] in found("HGNC:6192")[0]
    quote_edge = next(eid[e] for e in G.edges(keys=True) if e[:2] == ("CHEBI:95341", "HGNC:6192"))
    assert quote_edge in found("Since baricitinib is a JAK1/2")[1]
    marked = driver.execute_script("return window.jakkg.cy.$('.match').map(e => e.id())")  # type: ignore[attr-defined]
    assert quote_edge in marked, "matches are marked on the canvas"
    search.clear()
    search.send_keys("HGNC:6192" + Keys.ENTER)
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.find_element(By.CSS_SELECTOR, "h2").text == G.nodes["HGNC:6192"]["label"])


def test_disagreement_ring_links_to_the_other_claim(browser: object, page: Path) -> None:
    """tofacitinib improved calcinosis (001) disagrees with 'JAK inhibitors failed to improve the calcinosis' (000)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    G = load_projection(page / "jakdm.trig")
    _, eid = page_ids(G)
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    edge = next(eid[e] for e in G.edges(keys=True) if e[:2] == ("CHEBI:71200", "HP:0003761") and "GX-001-05" in G.edges[e]["claims"])
    assert driver.execute_script("return window.jakkg.cy.getElementById(arguments[0]).hasClass('disagreement')", edge)  # type: ignore[attr-defined]
    ring = driver.execute_script("return window.jakkg.cy.getElementById(arguments[0]).style('text-border-color')", edge)  # type: ignore[attr-defined]
    assert ring.replace(" ", "") in ("rgb(178,24,43)", "#b2182b")
    # tofacitinib -> calcinosis has parallel edges (improved, and a negated one): a click at one's midpoint
    # may land on the other, so the edge is tapped through Cytoscape (the canvas click has its own test)
    driver.execute_script("window.jakkg.cy.getElementById(arguments[0]).emit('tap')", edge)  # type: ignore[attr-defined]
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: "GX-001-05" in details.text)
    link = next(b for b in details.find_elements(By.CSS_SELECTOR, ".disagrees button") if b.text.startswith("GX-000-17"))
    link.click()
    WebDriverWait(driver, 10).until(lambda d: "JAK inhibitors failed to improve the calcinosis" in details.text)
    other = next(eid[e] for e in G.edges(keys=True) if "GX-000-17" in G.edges[e]["claims"])
    assert details.get_attribute("data-edge") == other
    assert details.find_element(By.CSS_SELECTOR, ".claim.focus").get_attribute("data-claim") == "GX-000-17"
    assert "negated" in details.text
    if driver.execute_script("return window.jakkg.cy.getElementById(arguments[0]).visible()", other):  # type: ignore[attr-defined]
        assert driver.execute_script("return window.jakkg.cy.$(':selected').map(e => e.id())") == [other]  # type: ignore[attr-defined]


def test_page_fetches_nothing(browser: object, page: Path) -> None:
    """Opened from a file, the page loads no resource at all: libraries, data and style are inline."""
    driver = browser
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    relaid(driver, "const s = document.getElementById('negation-filter'); s.value = 'stated'; s.dispatchEvent(new Event('change'));")
    assert driver.execute_script("return performance.getEntriesByType('resource').map(r => r.name)") == []  # type: ignore[attr-defined]
    assert driver.execute_script("return typeof cytoscape === 'function' && typeof ELK === 'function'")  # type: ignore[attr-defined]
    external = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('[src], link[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert external == []


def test_summary_page_reaches_edges_it_does_not_draw(browser: object, page: Path, tmp_path: Path) -> None:
    """A network over the page's cap is drawn as a summary; the search still opens every entity and edge."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from jakkg.draw import render_html

    driver = browser
    G = load_projection(page / "jakdm.trig")
    summary = tmp_path / "summary.html"
    summary.write_text(render_html(G, max_edges=12, max_nodes=14), encoding="utf-8")
    wait_ready(driver, summary.resolve().as_uri())
    assert driver.find_element(By.ID, "summary").is_displayed()  # type: ignore[attr-defined]
    assert len(shown(driver)[1]) == 12 and driver.find_element(By.ID, "shown-edges").text == "12"  # type: ignore[attr-defined]

    # the herpes zoster edges of baricitinib are weak evidence, so not drawn; the search lists them
    nid, _ = page_ids(G)
    assert nid["MONDO:0005609"] not in shown(driver)[0]
    driver.find_element(By.ID, "search").send_keys("herpes zoster\n")  # type: ignore[attr-defined]
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: "herpes zoster" in details.find_element(By.CSS_SELECTOR, "h2").text)
    assert "Not drawn in the summary picture" in details.text
    n_edges = sum(1 for u, v in G.edges() if "MONDO:0005609" in (u, v))
    assert len(details.find_elements(By.CSS_SELECTOR, ".edge-list li")) == n_edges
    link = next(b for b in details.find_elements(By.CSS_SELECTOR, ".edge-list button") if b.text.startswith("baricitinib"))
    link.click()
    WebDriverWait(driver, 10).until(lambda d: "NOT has adverse event" in details.find_element(By.CSS_SELECTOR, "h2").text)
    assert details.find_elements(By.CSS_SELECTOR, "blockquote.quote"), "the claims of an undrawn edge keep their quotes"
    assert "its evidence is weaker than that of the edges shown" in details.text


def test_evidence_map_tab_shows_the_cells_and_opens_their_claims(browser: object, page: Path, tmp_path: Path) -> None:
    """The map tab draws every row of evidence-map.csv at its panel, drug and outcome group; a click lists a cell's claims."""
    import csv

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    result = run_cli("evidence-map", page / "jakdm.trig", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    with (tmp_path / "evidence-map.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    driver = browser
    wait_ready(driver, (page / OUTPUTS["html"]).resolve().as_uri())
    evmap = driver.find_element(By.ID, "evmap")  # type: ignore[attr-defined]
    assert not evmap.is_displayed() and driver.execute_script("return document.getElementById('evmap').children.length") == 0, \
        "the map is built on the first opening of its tab"  # type: ignore[attr-defined]

    driver.find_element(By.ID, "tab-map").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: evmap.get_attribute("data-cells"))
    assert evmap.is_displayed() and not driver.find_element(By.ID, "cy").is_displayed()  # type: ignore[attr-defined]
    drawn = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('#evmap td.cell')).map(td => { const t = td.closest('table');"
        " return [t.dataset.panel, td.closest('tr').querySelector('th').textContent, t.querySelectorAll('thead th')[td.cellIndex].textContent,"
        " td.querySelector('text.count').textContent, td.querySelector('text.level') ? td.querySelector('text.level').textContent : '',"
        " td.classList.contains('disagreement'), td.querySelectorAll('.wedge').length > 0]; })")
    klass = "Janus Kinase Inhibitors"
    want = [[r["population"], r["drug"] + (" (class-level claims)" if r["drug"] == klass else ""), r["outcome_group"],
             r["studies"] + (f" (c{r['case_reports']})" if r["case_reports"] != "0" else ""),
             f"L{r['best_level']}" if r["best_level"] else "", r["disagreement"] == "yes", True] for r in rows]
    assert len(rows) > 20 and int(evmap.get_attribute("data-cells")) == len(rows)
    assert sorted(drawn) == sorted(want), "each CSV row is a cell at its panel, row and column, with its studies, level and mark"
    titles = [h.text for h in evmap.find_elements(By.CSS_SELECTOR, "h2.panel-title")]
    assert titles[:2] == ["Juvenile dermatomyositis", "Adult dermatomyositis"]
    assert "jakdm:" not in evmap.text and "http" not in evmap.text and "jakkg:" not in evmap.text, "labels, never identifiers"

    # a mouse click on a cell with a curated disagreement lists its claims, quotes and DOIs and links the other claim
    row = next(r for r in rows if r["disagreement"] == "yes" and r["population"] == "juvenile" and r["drug"] != klass)
    index = next(i for i, d in enumerate(drawn) if d[:3] == [row["population"], row["drug"], row["outcome_group"]])
    evmap.find_elements(By.CSS_SELECTOR, "td.cell")[index].click()
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.get_attribute("data-cell") is not None)
    assert details.find_element(By.CSS_SELECTOR, "h2").text.startswith(f"{row['drug']} \u00b7 {row['outcome_group']}")
    listed = [b.get_attribute("data-claim") for b in details.find_elements(By.CSS_SELECTOR, ".claim[data-claim]")]
    assert sorted(listed) == sorted(row["claims"].split()), "the cell's claims, each in the network's claim box"
    assert len(details.find_elements(By.CSS_SELECTOR, "blockquote.quote")) >= len(listed)
    assert any(a.get_attribute("href").startswith("https://doi.org/10.") for a in details.find_elements(By.CSS_SELECTOR, ".claim a"))
    other = row["disagreements"].split(" <> ")
    assert {b.get_attribute("data-claim") for b in details.find_elements(By.CSS_SELECTOR, ".disagrees button")} >= set(other)

    # ... and takes the reader to the network, filtered to the drug, the cell's claims marked
    relaid(driver, "document.querySelector('#details button.to-network').click();")
    G = load_projection(page / "jakdm.trig")
    nid, eid = page_ids(G)
    drug = next(n for n, d in G.nodes(data=True) if d["label"] == row["drug"] and d["category"] == "drug")
    assert driver.find_element(By.ID, "cy").is_displayed() and not evmap.is_displayed()  # type: ignore[attr-defined]
    assert driver.execute_script("return document.getElementById('drug-filter').value") == nid[drug]  # type: ignore[attr-defined]
    marked = set(driver.execute_script("return window.jakkg.cy.$('.match').map(e => e.id())"))  # type: ignore[attr-defined]
    assert marked == {eid[e] for e in G.edges(keys=True) if set(G.edges[e]["claims"]) & set(listed)}
    assert driver.execute_script("return performance.getEntriesByType('resource').map(r => r.name)") == []  # type: ignore[attr-defined]


def test_page_of_ten_thousand_claims_opens_and_answers(browser: object, tmp_path: Path) -> None:
    """32 copies of the seed build (over 10,000 claims): a summary page, drawn and ready in seconds; clicks and search answer."""
    import pyoxigraph
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from jakkg.draw import PAGE_MAX_EDGES, render_html
    from jakkg.graph import project
    from tests.graph_support import replicate_seed_build

    store = pyoxigraph.Store()
    store.bulk_load(replicate_seed_build(32).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    G = project(store)
    assert sum(d["n_claims"] for _, _, d in G.edges(data=True)) > 10_000 and G.number_of_edges() > 4 * PAGE_MAX_EDGES
    html_file = tmp_path / "big.html"
    html_file.write_text(render_html(G, context=page_context(store)), encoding="utf-8")

    driver = browser
    wait_ready(driver, html_file.resolve().as_uri())
    ready_ms = driver.execute_script("return window.jakkgTimes.ready")  # type: ignore[attr-defined]
    assert ready_ms < 10_000, f"first render took {ready_ms:.0f} ms (benchmarks/page.py measures it; about 0.8 s unloaded)"
    assert 0 < len(shown(driver)[1]) <= PAGE_MAX_EDGES
    first = driver.execute_script("return window.jakkg.cy.edges(':visible')[0].id()")  # type: ignore[attr-defined]
    click_on_canvas(driver, first)
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.find_elements(By.CSS_SELECTOR, ".claim"))
    driver.find_element(By.ID, "search").send_keys("baricitinib\n")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.find_element(By.CSS_SELECTOR, "h2").text == "baricitinib")
    listed = details.find_elements(By.CSS_SELECTOR, ".edge-list li")
    assert len(listed) == G.degree("CHEBI:95341"), "every edge of baricitinib is listed, drawn or not"
    assert any("(not drawn)" in li.text for li in listed)


LOOKUPS = ("HOST_RESOLVER_MANAGER_JOB", "HOST_RESOLVER_SYSTEM_TASK", "HOST_RESOLVER_DNS_TASK", "DNS_TRANSACTION")
SENDS = ("TCP_CONNECT", "SOCKET_BYTES_SENT", "UDP_BYTES_SENT", "UDP_SEND_ERROR")


def network_activity(netlog: Path) -> tuple[set[str], list[str]]:
    """From a Chromium NetLog: the URLs requested, and the events that reach the network.

    Reaching the network is a host lookup (a resolver job, a DNS transaction,
    a getaddrinfo task), a TCP connection, or bytes sent on a socket. A bare
    UDP ``connect()`` is not: Chromium's IPv6 reachability check "connects" a
    UDP socket to a public address to learn its route, which sends nothing.
    """
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    assert all(any(n.startswith(kind) for n in names.values()) for kind in LOOKUPS + SENDS), "NetLog event names changed"
    urls = {str((e.get("params") or {})["url"]) for e in log["events"] if "url" in (e.get("params") or {})}
    reached = sorted({names[e["type"]] for e in log["events"] if names.get(e["type"], "").startswith(LOOKUPS + SENDS)})
    return urls, reached


def test_the_browser_makes_no_network_request(page: Path, tmp_path: Path) -> None:
    """Chromium's own record of its network: no remote URL requested, no host looked up, nothing sent."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    netlog = tmp_path / "netlog.json"
    with headless_chromium(netlog) as driver:
        driver.get((page / OUTPUTS["html"]).resolve().as_uri())  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        driver.find_element(By.ID, "tab-map").click()  # type: ignore[attr-defined]  # the evidence map tab too
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "evmap").get_attribute("data-cells"))
        # a request of our own, to show that the NetLog records requests (file:// pages are not in it; the
        # page's own fetch is refused by its Content-Security-Policy); the address resolves to nothing
        driver.get(f"{CLOSED_PORT}jakkg-probe")  # type: ignore[attr-defined]
        time.sleep(3)  # the background services start a few seconds after the browser
    urls, reached = network_activity(netlog)
    assert f"{CLOSED_PORT}jakkg-probe" in urls, "the NetLog records the requests made"
    remote = sorted(u for u in urls if not u.startswith(("file:", "data:", "about:", "chrome:", CLOSED_PORT)))
    assert remote == [], "the browser requested remote URLs"
    assert reached == [], "the browser looked up hosts, connected or sent bytes"


def test_a_missing_browser_fails_in_one_line_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception) as failed:
        require_chromium()
    message = str(failed.value)
    assert message == ("chromium not installed (/nonexistent/chromium, /usr/bin/chromedriver): "
                       "`make setup-browser` installs them with apt-get (as root)")
    assert failed.value.pytrace is False  # no traceback in the report
