"""A Sphinx extension: each page lists a script once.

sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``) every time
Sphinx starts reading documents, and Jupyter Book's build reaches that point twice, so every page
declared the constant twice and the browser stopped that script with an error. The book uses no
Thebe, but the extension comes with Jupyter Book; dropping repeated scripts from each page's
context fixes the page whatever registered them.
"""


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """Keep the first of the scripts with the same file and attributes in the page's script list."""
    scripts, kept = context.get("script_files", []), {}
    for script in scripts:
        # an inline script has no file: registered once with None and once with "" (so equality misses it)
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        kept.setdefault(key, script)
    # in place: the list is the builder's own, and handlers after this one (MathJax's) still add to it
    scripts[:] = kept.values()


def setup(app):
    # html-page-context stops at the first handler that returns a template name, so run early;
    # the repeated scripts are registered before any page is written
    app.connect("html-page-context", drop_repeated_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
