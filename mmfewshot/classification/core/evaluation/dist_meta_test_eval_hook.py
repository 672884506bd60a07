"""Meta-testing during distributed training."""

from __future__ import annotations

from typing import Any

from mmengine.dist import is_distributed

from mmfewshot.engine.hooks.dist_eval_hook import broadcast_bn_buffers
from mmfewshot.registry import HOOKS

from .meta_test import multi_gpu_meta_test
from .meta_test_eval_hook import MetaTestEvalHook


@HOOKS.register_module()
class DistMetaTestEvalHook(MetaTestEvalHook):
    """:class:`MetaTestEvalHook` for distributed runs.

    Every rank calls :func:`multi_gpu_meta_test` (the tasks are split over
    the ranks and the results gathered, so every rank logs the same numbers);
    rank 0 keeps the best checkpoint. Rank 0's batch-norm statistics are
    copied to every rank first, so all ranks test the same model.

    Args: as :class:`MetaTestEvalHook`.
    """

    def _run_meta_test(self, runner: Any) -> dict[str, Any]:
        if is_distributed():
            broadcast_bn_buffers(runner.model)
        return multi_gpu_meta_test(
            runner.model,
            self.num_test_tasks,
            self.support_data_loader,
            self.query_data_loader,
            self.test_set_data_loader,
            meta_test_cfg=self.meta_test_cfg,
            eval_kwargs=self.eval_kwargs,
            logger=runner.logger,
            confidence_interval=self.confidence_interval,
        )


__all__ = ['DistMetaTestEvalHook']
