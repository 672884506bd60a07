"""The detection dataset wrappers, importable from their original module path.

Each wrapper lives in its own file; this module keeps
``mmfewshot.detection.datasets.dataset_wrappers.QueryAwareDataset`` (and the
others) working for code written against the original layout.
"""

from __future__ import annotations

from .nway_kshot_dataset import NWayKShotDataset
from .query_aware_dataset import QueryAwareDataset
from .two_branch_dataset import TwoBranchDataset

__all__ = ['NWayKShotDataset', 'QueryAwareDataset', 'TwoBranchDataset']
