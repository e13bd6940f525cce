"""One Markdown table renderer for the book: chapters, the loss-terms table and the run report use it."""

from __future__ import annotations

__all__ = ["markdown_table"]


def _default_cell(digits):
    def cell(value):
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    return cell


def markdown_table(rows, columns=None, digits=2, format_cell=None):
    """A Markdown table of ``rows`` (a list of dicts), one column per key.

    ``columns`` picks and orders the keys (default: the first row's); a row without a column
    leaves its cell empty, as does ``None``. Floats are shown with ``digits`` decimals unless ``format_cell`` (a
    function of the value returning text) says otherwise. A ``|`` inside a cell is escaped.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("markdown_table needs at least one row")
    columns = list(columns or rows[0])
    cell = format_cell or _default_cell(digits)
    text = lambda value: "" if value is None else cell(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(text(row.get(k)) for k in columns) + " |" for row in rows]
    return "\n".join(lines)
