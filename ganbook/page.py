"""What the book's page of an executed chapter shows, set on the executed copy after a good run.

The source notebooks stay plain; the runner marks the executed copy for Jupyter Book:

- the cell papermill injects (``injected-parameters``) is removed from the page: the declared
  parameter cell stays, collapsed, and the re-run box below says which values the page used;
- the declared parameter cell and the import cell (the first code cell that starts with an
  import) are collapsed behind a toggle (``hide-input``), as is the output of a cell that prints
  a source listing (``inspect.getsource``): the argument comes first, the plumbing on request;
- a "Re-run this chapter" box after the title, generated from the run's own results: the exact
  command (profile, device, and a ``-p`` for every value that differs from the profile), the
  parameters, the wall time, and a download link for the executed notebook.
"""

from __future__ import annotations

import nbformat

REMOVE, HIDE_INPUT, HIDE_OUTPUT = "remove-cell", "hide-input", "hide-output"
RERUN_MARK = "rerun-box"  # the box's cell carries this tag, so preparing a page twice replaces it


def _tags(cell):
    return cell.setdefault("metadata", {}).setdefault("tags", [])


def _tag(cell, tag):
    if tag not in _tags(cell):
        _tags(cell).append(tag)


def _first_code_line(cell):
    lines = [ln.strip() for ln in cell.source.splitlines()]
    return next((ln for ln in lines if ln and not ln.startswith("#")), "")


def _parameter_text(value):
    """A value as ``-p NAME=TEXT`` spells it (bools as true/false, lists of choices comma-separated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rerun_command(chapter, profile, params):
    """The command that re-runs ``chapter`` with ``params``: the profile, the device, and ``-p`` for the rest."""
    base = chapter.resolve(profile, {})
    parts = ["python -m ganbook run", chapter.name.split("_", 1)[0], "--profile", profile]
    if "device" in params:
        parts += ["--device", str(params["device"])]
    for name, value in params.items():
        if name != "device" and base.get(name) != value:
            parts.append(f"-p {name}={_parameter_text(value)}")
    return " ".join(parts)


def rerun_box(chapter, results):
    """Markdown of the "Re-run this chapter" box, from a run's results (profile, parameters, time, device)."""
    params = results["parameters"]
    shown = ", ".join(f"`{k}={_parameter_text(v)}`" for k, v in params.items())
    when = (results.get("started") or "")[:10]
    seconds = results.get("duration_s")
    took = f" in {seconds:.0f} s" if isinstance(seconds, (int, float)) else ""
    return "\n".join(
        [
            ":::{admonition} Re-run this chapter",
            ":class: tip",
            f"This page was executed with the `{results['profile']}` profile on {results.get('device', 'cpu')}{took}"
            + (f" ({when})." if when else "."),
            "From the repository's root, after `make setup`:",
            "",
            "```bash",
            f".venv/bin/{rerun_command(chapter, results['profile'], params)} --out runs",
            "```",
            "",
            f"Parameters of this page: {shown}.",
            f"Executed notebook: {{download}}`{chapter.name}.ipynb <{chapter.name}.ipynb>`.",
            ":::",
        ]
    )


def prepare_page(path, chapter, results):
    """Tag the executed notebook at ``path`` for the book and put the re-run box after its title cell."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if RERUN_MARK not in c.get("metadata", {}).get("tags", [])]
    seen_import = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = _tags(cell)
        if "injected-parameters" in tags:
            _tag(cell, REMOVE)
        elif "parameters" in tags:
            _tag(cell, HIDE_INPUT)
        elif not seen_import and _first_code_line(cell).startswith(("import ", "from ")):
            seen_import = True
            _tag(cell, HIDE_INPUT)
        elif "inspect.getsource(" in cell.source:
            _tag(cell, HIDE_OUTPUT)
    box = nbformat.v4.new_markdown_cell(rerun_box(chapter, results), metadata={"tags": [RERUN_MARK]})
    title_at = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    nb.cells.insert(title_at + 1, box)
    nbformat.write(nb, path)
