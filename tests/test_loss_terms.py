import pytest
import torch

from ganlib import loss_terms
from ganlib.losses import LOSSES

torch.manual_seed(1)
D_REAL, D_FAKE = torch.randn(32, dtype=torch.float64) * 2, torch.randn(32, dtype=torch.float64) * 2


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_registered_loss_has_terms_that_reproduce_it(name):
    d_loss, g_loss = loss_terms.evaluate(loss_terms.TERMS[name], D_REAL, D_FAKE)
    torch.testing.assert_close(d_loss, LOSSES[name].d_loss(D_REAL, D_FAKE))
    torch.testing.assert_close(g_loss, LOSSES[name].g_loss(D_REAL, D_FAKE))


def test_generator_reads_the_real_batch_exactly_when_g1_is_not_zero():
    for name, terms in loss_terms.TERMS.items():
        uses_real = terms.g1 is not loss_terms.zero or terms.form != "standard"
        assert LOSSES[name].g_uses_real == uses_real, name


def test_table_rows_come_from_the_term_docstrings():
    rows = {r["loss"]: r for r in loss_terms.table()}
    assert set(rows) == set(LOSSES)
    assert rows["non_saturating"]["g2"] == r"$-\log\sigma(y)$"
    assert rows["minimax"]["g2"] == r"$\log(1-\sigma(y))$"
    assert rows["rasgan"]["a_f"].startswith("$C(x_f)-")
    md = loss_terms.table_markdown().splitlines()
    assert len(md) == 2 + len(LOSSES) and md[0].startswith("| loss | a_r | a_f |")
