"""ganlib.tables: the one Markdown table renderer."""

import pytest

from ganlib.tables import markdown_table


def test_rows_columns_rounding_and_escapes():
    rows = [{"loss": "a", "hq": 0.70123, "n": 2}, {"loss": "b|c", "hq": None, "n": 3}]
    lines = markdown_table(rows).splitlines()
    assert lines == ["| loss | hq | n |", "| --- | --- | --- |", "| a | 0.70 | 2 |", "| b\\|c |  | 3 |"]
    assert markdown_table(rows, columns=["n", "loss"], digits=1).splitlines()[2] == "| 2 | a |"
    assert markdown_table(rows, format_cell=lambda v: f"<{v}>").splitlines()[2] == "| <a> | <0.70123> | <2> |"
    assert markdown_table([{"a": 1}, {"b": 2}], columns=["a", "b"]).splitlines()[3] == "|  | 2 |"
    with pytest.raises(ValueError, match="at least one row"):
        markdown_table([])
