"""How fast the interactive page opens in headless Chromium, as the corpus grows.

For each size the script builds a corpus of copies of the committed seed
build (tests/graph_support.replicate_seed_build: 1 copy = the 338 seed
claims, 32 copies = 10,176 claims), renders jakdm-network.html the way
`jakkg draw` does, opens it from a file:// URL in Debian's headless Chromium
(selenium, networking off) and prints:

- the time to render the page in Python and the size of the file;
- ``first render``: from the start of navigation to the page saying it is
  ready (its first ELK layout drawn by Cytoscape.js), read from the browser's
  own clock (``performance.timeOrigin`` .. ready);
- ``layout``: the part of that spent in the page's script (parse of the data,
  Cytoscape, ELK), from the script's start;
- ``relayout``: one filter change (the first drug) laid out again.

Usage: ``python benchmarks/page.py [--copies 1 32] [--screenshot docs/evidence-network-page.png]``;
the screenshot is the first screen of the seed page at 1600x1000.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1600,1000", "--hide-scrollbars", "--force-device-scale-factor=1"]


def browser(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    return driver


def page_of(copies: int, out: Path) -> tuple[Path, int, int, float]:
    """Render the page of ``copies`` copies of the seed build; returns its path, claims, edges and render seconds."""
    import pyoxigraph

    from jakkg.draw import page_context, render_html
    from jakkg.graph import project
    from tests.graph_support import replicate_seed_build

    store = pyoxigraph.Store()
    store.bulk_load(replicate_seed_build(copies).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    G = project(store)
    start = time.perf_counter()
    text = render_html(G, context=page_context(store))
    seconds = time.perf_counter() - start
    path = out / f"page-{copies}.html"
    path.write_text(text, encoding="utf-8")
    return path, sum(d["n_claims"] for _, _, d in G.edges(data=True)), G.number_of_edges(), seconds


def measure(driver, path: Path) -> tuple[float, float, float]:
    """First render (navigation start to ready), time in the page's script, and one relayout, in seconds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    times = driver.execute_script("return window.jakkgTimes")
    start = time.perf_counter()
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1], s = document.getElementById('drug-filter');
        s.selectedIndex = 1; window.jakkg.applyFilters().then(() => done(true));""")
    relayout = time.perf_counter() - start
    return times["ready"] / 1000, times["script"] / 1000, relayout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="jakkg-page-"))
    driver = browser(str(out / "profile"))
    try:
        print(f"{'claims':>7} {'edges':>6} {'html MB':>8} {'python s':>9} {'first render s':>15} {'script s':>9} {'relayout s':>11}")
        for copies in args.copies:
            path, claims, n_edges, seconds = page_of(copies, out)
            first, script, relayout = measure(driver, path)
            size = path.stat().st_size / 1e6
            print(f"{claims:>7} {n_edges:>6} {size:>8.1f} {seconds:>9.2f} {first:>15.2f} {script:>9.2f} {relayout:>11.2f}", flush=True)
        if args.screenshot:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import WebDriverWait

            path, *_ = page_of(1, out)
            driver.get(path.resolve().as_uri())
            WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
            time.sleep(0.5)
            driver.save_screenshot(str(args.screenshot))
            print(f"wrote {args.screenshot}")
    finally:
        driver.quit()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
