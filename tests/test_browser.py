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
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from jakkg.analytics import drug_view
from jakkg.draw import OUTPUTS
from jakkg.graph import load_projection
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


def visible(driver: object, css: str) -> list:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]  # type: ignore[attr-defined]


def test_page_in_headless_chromium(browser: object, page: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    G = load_projection(page / "jakdm.trig")
    driver.get((page / OUTPUTS["html"]).resolve().as_uri())  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

    # every node of the projection is on screen, and the status line says so
    assert len(visible(driver, "#network g.node")) == G.number_of_nodes()
    assert driver.find_element(By.ID, "shown-nodes").text == str(G.number_of_nodes())  # type: ignore[attr-defined]
    assert len(visible(driver, "#network g.edge")) == G.number_of_edges()

    # click the baricitinib -> JAK2 edge (its badge) and read its claims
    def node_id(curie: str) -> str:
        return driver.find_element(By.CSS_SELECTOR, f'g.node[data-curie="{curie}"]').get_attribute("id")  # type: ignore[attr-defined]

    bari, jak2, tofa = node_id("CHEBI:95341"), node_id("HGNC:6192"), node_id("CHEBI:71200")
    edge = driver.find_element(By.CSS_SELECTOR, f'g.edge[data-source="{bari}"][data-target="{jak2}"]')  # type: ignore[attr-defined]
    driver.find_element(By.ID, f"badge-{edge.get_attribute('id')}").click()  # type: ignore[attr-defined]
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: "GX-000-02" in details.text)
    quotes = [q.text for q in details.find_elements(By.CSS_SELECTOR, "blockquote.quote")]
    assert any("Since baricitinib is a JAK1/2 inhibitor" in q for q in quotes), quotes
    links = [a.get_attribute("href") for a in details.find_elements(By.CSS_SELECTOR, "a")]
    assert "https://doi.org/10.1093/brain/awz006" in links
    assert "baricitinib" in details.find_element(By.CSS_SELECTOR, "h2").text

    # clicking the line itself works too: the JAK2 -> growth hormone edge has two claims from two papers
    gh = node_id("GO:0060396")
    line = driver.find_element(By.CSS_SELECTOR, f'g.edge[data-source="{jak2}"][data-target="{gh}"] path.hit')  # type: ignore[attr-defined]
    # a point a quarter of the way along the curve, relative to the centre of the path's box on screen
    dx, dy = driver.execute_script(  # type: ignore[attr-defined]
        "const p = arguments[0], q = p.getPointAtLength(p.getTotalLength() * 0.25).matrixTransform(p.getScreenCTM());"
        "const r = p.getBoundingClientRect(); return [q.x - (r.left + r.width / 2), q.y - (r.top + r.height / 2)];", line)
    ActionChains(driver).move_to_element_with_offset(line, int(dx), int(dy)).click().perform()
    WebDriverWait(driver, 10).until(lambda d: "GX-001-03" in details.text)
    assert "doi:10.1093/brain/awz294" in details.text and "doi:10.1093/brain/awz006" in details.text
    m = re.search(r"(\d+) claims from (\d+) independent sources", details.text)
    assert m and int(m.group(1)) >= 2 and int(m.group(2)) >= 2, details.text

    # pick baricitinib: only its paths remain
    Select(driver.find_element(By.ID, "drug-filter")).select_by_visible_text("baricitinib")  # type: ignore[attr-defined]
    shown_nodes, shown_edges = drug_view(G, "CHEBI:95341")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "shown-nodes").text == str(len(shown_nodes)))
    on_screen = {e.get_attribute("data-curie") for e in visible(driver, "#network g.node")}
    assert on_screen == shown_nodes
    assert "HGNC:6192" in on_screen and "GO:0060396" in on_screen and "CHEBI:71200" not in on_screen
    assert len(visible(driver, "#network g.edge")) == len(shown_edges)
    assert not driver.find_element(By.ID, tofa).is_displayed()  # type: ignore[attr-defined]

    # back to the whole network
    Select(driver.find_element(By.ID, "drug-filter")).select_by_index(0)  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "shown-nodes").text == str(G.number_of_nodes()))

    shot = tmp_path / "page.png"
    assert driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    img = Image.open(shot).convert("RGB")
    assert img.width >= 1200 and img.height >= 700
    assert ImageStat.Stat(img.convert("L")).stddev[0] > 15, "the screenshot is blank"
    assert len(img.resize((160, 100)).getcolors(maxcolors=20000) or []) > 40


def test_disagreement_links_to_the_other_claim(browser: object, page: Path) -> None:
    """tofacitinib improved calcinosis (001) disagrees with 'JAK inhibitors failed to improve the calcinosis' (000)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get((page / OUTPUTS["html"]).resolve().as_uri())  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    ids = {c: driver.find_element(By.CSS_SELECTOR, f'g.node[data-curie="{c}"]').get_attribute("id")  # type: ignore[attr-defined]
           for c in ("CHEBI:71200", "HP:0003761")}
    edge = driver.find_element(By.CSS_SELECTOR, f'g.edge[data-source="{ids["CHEBI:71200"]}"][data-target="{ids["HP:0003761"]}"]')  # type: ignore[attr-defined]
    badge = driver.find_element(By.ID, f"badge-{edge.get_attribute('id')}")  # type: ignore[attr-defined]
    assert "disagreement" in badge.get_attribute("class")
    badge.click()
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: "GX-001-05" in details.text)
    link = next(b for b in details.find_elements(By.CSS_SELECTOR, ".disagrees button") if b.text.startswith("GX-000-17"))
    link.click()
    WebDriverWait(driver, 10).until(lambda d: "JAK inhibitors failed to improve the calcinosis" in details.text)
    assert "negated" in details.text


def test_summary_page_reaches_edges_it_does_not_draw(browser: object, page: Path, tmp_path: Path) -> None:
    """A network over the page's cap is drawn as a summary; the finder still opens every entity and edge."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from jakkg.draw import render_html

    driver = browser
    G = load_projection(page / "jakdm.trig")
    summary = tmp_path / "summary.html"
    summary.write_text(render_html(G, max_edges=12, max_nodes=14), encoding="utf-8")
    driver.get(summary.resolve().as_uri())  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    assert driver.find_element(By.ID, "summary").is_displayed()  # type: ignore[attr-defined]
    assert len(visible(driver, "#network g.edge")) == 12 and driver.find_element(By.ID, "shown-edges").text == "12"  # type: ignore[attr-defined]

    # the herpes zoster edges of baricitinib are weak evidence, so not drawn; the finder lists them
    drawn = {e.get_attribute("data-curie") for e in visible(driver, "#network g.node")}
    assert "MONDO:0005609" not in drawn
    find = driver.find_element(By.ID, "find")  # type: ignore[attr-defined]
    find.send_keys("herpes zoster\n")
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


def test_page_of_ten_thousand_claims_opens_and_answers(browser: object, tmp_path: Path) -> None:
    """32 copies of the seed build (10,176 claims, 4,614 edges): the page is ready, and clicks answer, in seconds."""
    import time

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
    html_file.write_text(render_html(G), encoding="utf-8")

    driver = browser
    start = time.monotonic()
    driver.get(html_file.resolve().as_uri())  # type: ignore[attr-defined]
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    assert time.monotonic() - start < 60
    assert len(driver.find_elements(By.CSS_SELECTOR, "#network g.edge")) <= PAGE_MAX_EDGES  # type: ignore[attr-defined]
    badge = driver.find_elements(By.CSS_SELECTOR, "#network g.badge")[0]  # type: ignore[attr-defined]
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", badge)  # type: ignore[attr-defined]
    details = driver.find_element(By.ID, "details")  # type: ignore[attr-defined]
    WebDriverWait(driver, 10).until(lambda d: details.find_elements(By.CSS_SELECTOR, ".claim"))
    driver.find_element(By.ID, "find").send_keys("baricitinib\n")  # type: ignore[attr-defined]
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
