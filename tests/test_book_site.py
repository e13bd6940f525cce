"""The built book is self-contained: MathJax comes from a pinned Python package, and no page
loads a script, a style sheet or a font from outside the site (the book is read offline).

These tests read ``_build/html``; ``make test`` builds the book first.
"""

import re
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
MATHJAX_PACKAGE = "django-static-mathjax"


def _pinned(package):
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pins = dict(p.split("==") for p in extras["book"] + extras["test"])
    return pins[package]


def _installed_mathjax_es5():
    import mathjax  # the package's top-level module; it holds the files and nothing else

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _mathjax_version(tex_chtml):
    found = re.search(r'\.VERSION="(\d+\.\d+\.\d+)"', tex_chtml.read_text(encoding="utf-8"))
    assert found, f"no MathJax version string in {tex_chtml}"
    return found.group(1)


def test_mathjax_is_the_pinned_package_and_version():
    pin = _pinned(MATHJAX_PACKAGE)
    assert metadata.version(MATHJAX_PACKAGE) == pin
    # the package's version is MathJax's with one more digit for its own releases
    assert _mathjax_version(_installed_mathjax_es5() / "tex-chtml.js") == ".".join(pin.split(".")[:3])


def _require_site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no built book: run `make book` (make test does) before these tests")


def test_site_serves_the_pinned_mathjax():
    _require_site()
    served = SITE / "_static" / "mathjax" / "es5" / "tex-chtml.js"
    assert served.read_bytes() == (_installed_mathjax_es5() / "tex-chtml.js").read_bytes()
    fonts = list((served.parent / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) > 10, "MathJax's CHTML fonts are served with it"


class _References(HTMLParser):
    """Every URL a page makes the browser load: scripts, style sheets, fonts, images, frames."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src", "link": "href"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(
            (attrs.get("rel") or "").split()
        ):
            return  # a plain link is navigation, not a load
        url = attrs.get(self.LOADS.get(tag, ""))
        if url:
            self.urls.append(url)


def _external(url):
    parsed = urlparse(url)
    return bool(parsed.scheme in ("http", "https") or parsed.netloc or url.startswith("//"))


def test_no_page_loads_anything_from_outside_the_site():
    _require_site()
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) >= 8, "the book has its chapters and pages"
    outside = []
    for page in pages:
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        outside += [f"{page.relative_to(SITE)}: {url}" for url in parser.urls if _external(url)]
    for sheet in SITE.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8", errors="replace")):
            if _external(url):
                outside.append(f"{sheet.relative_to(SITE)}: {url}")
    assert not outside, "pages load from outside the site:\n" + "\n".join(outside[:20])


def test_reference_finder_sees_external_loads():
    """The scan above would catch a CDN script, font or style sheet (it is not blind)."""
    parser = _References()
    parser.feed(
        '<script src="https://cdn.example/mathjax.js"></script><link rel="stylesheet" href="//fonts.x/a.css">'
        '<link rel="next" href="https://example.org/next.html"><img src="_images/a.png">'
    )
    assert [u for u in parser.urls if _external(u)] == ["https://cdn.example/mathjax.js", "//fonts.x/a.css"]
