"""The built book read in a real browser, offline: headless Chromium driven by Playwright.

Every page of ``_build/html`` is served on localhost and opened with every other address
refused, so a page that needs the network shows up as a refused request. Each page must load
with no console error and no script error, every image must decode, every formula must be
typeset by MathJax with no raw TeX left in the text, and every link inside the site must reach
a page (and its anchor). The search page must find a word the book uses.

``make test`` installs the pinned ``playwright`` package and Debian's Chromium (``make
browser``); the browser is looked up in ``$GANBOOK_CHROMIUM``, then on the ``PATH``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
SKIP_DIRS = {"_static", "_sources", "_images"}
# TeX that survives in a page's text means MathJax did not typeset it
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|mathbb|mathrm|mathcal|sum|int|sqrt|alpha|theta|nabla)\b")

pytestmark = pytest.mark.skipif(not SITE.joinpath("index.html").exists(), reason="the book is not built (make book)")


def _chromium():
    """The browser's path, or a failure that says how to get one."""
    chosen = os.environ.get("GANBOOK_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not chosen or not Path(chosen).exists():
        pytest.fail(
            "no Chromium to read the book with: run `make browser` (it installs Debian's chromium package), "
            "or point GANBOOK_CHROMIUM at a Chromium or Chrome binary"
        )
    return chosen


def _is_redirect(page):
    return page.read_text(encoding="utf-8").lstrip().lower().startswith('<meta http-equiv="refresh"')


def _pages():
    """Every page of the site, less the redirect stubs (the root's index.html points at the intro)."""
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not SKIP_DIRS & set(p.relative_to(SITE).parts) and not _is_redirect(p)
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would bury pytest's output
        pass


@pytest.fixture(scope="module")
def site_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make setup)")
    path = _chromium()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


class _Visit:
    """One page opened offline: what it asked of the network, logged and failed to load."""

    def __init__(self, browser, site_url):
        self.site_url = site_url
        self.refused, self.errors, self.failed = [], [], []
        self.context = browser.new_context(service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"script error: {exc}"))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url}: {req.failure}"))

    def _route(self, route):
        if route.request.url.startswith(self.site_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort("blockedbyclient")

    def open(self, path):
        self.page.goto(self.site_url + path, wait_until="load")
        if self.page.locator(".math").count():
            # MathJax loads deferred and typesets after that; its startup promise settles when every
            # formula is done (a page whose MathJax never starts fails here)
            self.page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000
            )
            self.page.evaluate("() => MathJax.startup.promise")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    opened = _Visit(browser, site_url)
    yield opened
    opened.close()


def test_the_site_has_every_chapter():
    pages = _pages()
    chapters = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [c for c in chapters if f"book/chapters/{c}.html" not in pages] == []


_TEXT_OUTSIDE_CODE = """() => {
  const skip = new Set(['SCRIPT', 'STYLE', 'PRE', 'CODE', 'TEXTAREA', 'MJX-CONTAINER', 'MJX-ASSISTIVE-MML']);
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out.push(node.textContent); return; }
    if (node.nodeType !== Node.ELEMENT_NODE || skip.has(node.tagName)) return;
    if (node.classList.contains('highlight') || node.classList.contains('output')) return;
    node.childNodes.forEach(walk);
  };
  walk(document.body);
  return out.join(' ');
}"""


@pytest.mark.parametrize("path", _pages() if SITE.exists() else [])
def test_a_page_reads_offline(visit, path):
    page = visit.open(path)
    assert visit.refused == [], f"{path} asked the network for {visit.refused[:5]}"
    assert visit.errors == [], f"{path} logged errors: {visit.errors[:5]}"
    assert visit.failed == [], f"{path} failed to load: {visit.failed[:5]}"

    broken = page.evaluate(
        "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == [], f"{path}: images that did not load: {broken[:5]}"

    untypeset = page.evaluate(
        "() => Array.from(document.querySelectorAll('.math')).filter(m => !m.querySelector('mjx-container'))"
        ".map(m => m.textContent.slice(0, 60))"
    )
    assert untypeset == [], f"{path}: formulas MathJax did not typeset: {untypeset[:5]}"
    raw = RAW_TEX.findall(page.evaluate(_TEXT_OUTSIDE_CODE))
    assert raw == [], f"{path}: raw TeX left in the text: {raw[:10]}"


def test_every_link_inside_the_site_resolves(visit, site_url):
    targets = {}
    for path in _pages():
        page = visit.open(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(site_url):
                targets.setdefault(href, path)
    dead, pages = [], {}
    for href, source in sorted(targets.items()):
        url, anchor = urldefrag(href)
        if url not in pages:
            response = visit.page.request.get(url)
            pages[url] = response.text() if response.ok else None
        html = pages[url]
        if html is None:
            dead.append(f"{source} -> {href} (no such page)")
        elif anchor and not re.search(rf'\bid="{re.escape(anchor)}"', html):
            dead.append(f"{source} -> {href} (no such anchor)")
    assert dead == [], "links that lead nowhere:\n" + "\n".join(dead[:20])
    assert len(targets) > 20, f"only {len(targets)} internal links found: is the site built?"


def test_search_finds_a_word_of_the_book(visit):
    page = visit.open("search.html?q=discriminator")
    page.wait_for_selector("ul.search li", timeout=15_000)
    hits = page.eval_on_selector_all("ul.search li a", "links => links.map(a => a.getAttribute('href'))")
    assert any("02_optimal_discriminator" in h for h in hits), hits
    assert visit.errors == [] and visit.refused == []


def test_an_outside_address_is_refused(visit):
    # the guard itself: a page that reaches out is caught, so the tests above cannot pass by accident
    visit.open("book/intro.html")
    visit.page.evaluate("() => fetch('https://example.org/').catch(() => null)")
    assert any(urlparse(u).hostname == "example.org" for u in visit.refused)
