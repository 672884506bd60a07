"""mmfewshot.detection.datasets."""

from .nway_kshot_dataset import NWayKShotDataset
from .query_aware_dataset import QueryAwareDataset
from .two_branch_dataset import TwoBranchDataset

__all__: list[str] = [
    'NWayKShotDataset',
    'QueryAwareDataset',
    'TwoBranchDataset',
]
