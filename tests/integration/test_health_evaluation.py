"""The planted-fault evaluation at small size, on the real stores and the real samples."""

import pytest

from graphledger.quality.evaluation import KINDS, run_evaluation
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "online-boutique-k8s").exists(),
    reason="shared/data is not present",
)


def test_small_evaluation_finds_planted_faults_and_no_false_pairs(stores: None) -> None:
    result = run_evaluation(SHARED_DATA, faults=30, manifests=["boutique"], servers=30)

    assert result.planted >= 30
    assert result.baseline_findings == 0, result.table()
    for kind in KINDS:
        score = result.kinds[kind]
        assert score.planted >= 3, (kind, result.table())
        assert score.recall >= 0.95, (kind, result.missed, result.table())
    assert result.false_duplicate_pairs == []
    assert result.false_findings == 0, (result.unexpected, result.table())
