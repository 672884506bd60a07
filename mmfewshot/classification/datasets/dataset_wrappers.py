"""Episodic wrappers: fixed N-way K-shot episodes over a few-shot classification dataset."""

from __future__ import annotations

import copy
import os.path as osp
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from mmfewshot.registry import DATASETS
from mmfewshot.utils import DataContainer, local_numpy_seed

# Episodes are drawn this many at a time, to bound the memory of the draws.
_CHUNK = 4096


def _random_subsets(rows: int, n: int, k: int) -> np.ndarray:
    """For each of ``rows`` rows, ``k`` distinct values of ``range(n)`` in random order.

    Uses NumPy's global generator: one uniform key per (row, value); the ``k``
    smallest keys of a row give a uniform random subset, ordered by key.

    Returns:
        Array of shape (rows, k), dtype int64.
    """
    keys = np.random.random_sample((rows, n))
    if k < n:
        picks = np.argpartition(keys, k - 1, axis=1)[:, :k]
    else:
        picks = np.broadcast_to(np.arange(n), keys.shape)
    order = np.argsort(np.take_along_axis(keys, picks, axis=1), axis=1)
    return np.take_along_axis(picks, order, axis=1).astype(np.int64)


def _check_count(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f'{name}={value!r} must be an integer >= {minimum}; fix {name}')
    return int(value)


@DATASETS.register_module()
class EpisodicDataset(Dataset):
    """N-way K-shot episodes drawn once, up front, from a few-shot dataset.

    Every episode picks ``num_ways`` distinct classes and, for each, draws
    ``num_shots + num_queries`` distinct images: the first ``num_shots`` are
    its support images and the others its queries, so support and query never
    share an image. All episodes are drawn in the constructor inside
    ``local_numpy_seed(episodes_seed)``: the same seed gives the same episodes
    on every machine and world size, and the global NumPy stream is left as
    it was.

    Item ``i`` is ``{'support_data': [N*K outputs], 'query_data': [N*Q
    outputs]}``: the wrapped dataset's pipeline outputs, class by class (all
    shots of the episode's first class, then the second, ...), with
    ``gt_label`` replaced by the class's position in the episode, in
    ``[0, N)`` (see :meth:`get_episode_class_ids` for the original ids).

    Args:
        dataset: The wrapped dataset: a
            :class:`~mmfewshot.classification.datasets.BaseFewShotDataset` (it
            must have ``CLASSES``, ``data_infos``, ``data_infos_class_dict``
            and ``pipeline``).
        num_episodes: Number of episodes (the wrapper's length).
        num_ways: Classes per episode, ``N``.
        num_shots: Support images per class, ``K``.
        num_queries: Query images per class, ``Q``.
        episodes_seed: Seed of the episodes; ``None`` draws them from NumPy's
            global state as it is (reproducible only when that is seeded);
            either way the global state is restored afterwards.
    """

    def __init__(
        self,
        dataset: Any,
        num_episodes: int,
        num_ways: int,
        num_shots: int,
        num_queries: int,
        episodes_seed: int | None = None,
    ) -> None:
        super().__init__()
        missing = [
            attr
            for attr in ('CLASSES', 'data_infos', 'data_infos_class_dict', 'pipeline')
            if not hasattr(dataset, attr)
        ]
        if missing:
            raise TypeError(
                f'{type(self).__name__} needs a few-shot dataset, but {type(dataset).__name__} '
                f'lacks {missing}; wrap a BaseFewShotDataset subclass (e.g. GlyphsDataset)'
            )
        self.dataset = dataset
        self.CLASSES = dataset.CLASSES
        self.num_episodes = _check_count('num_episodes', num_episodes, 1)
        self.num_ways = _check_count('num_ways', num_ways, 1)
        self.num_shots = _check_count('num_shots', num_shots, 1)
        self.num_queries = _check_count('num_queries', num_queries, 0)
        self.episodes_seed = episodes_seed
        self._check_dataset_fits()
        with local_numpy_seed(episodes_seed):
            self._draw_episodes()

    def _check_dataset_fits(self) -> None:
        name = type(self.dataset).__name__
        class_dict = self.dataset.data_infos_class_dict
        if self.num_ways > len(class_dict):
            raise ValueError(
                f'num_ways={self.num_ways} is larger than the {len(class_dict)} classes of '
                f'{name}; lower num_ways to at most {len(class_dict)} or use more classes'
            )
        needed = self.num_shots + self.num_queries
        short = [c for c in sorted(class_dict) if len(class_dict[c]) < needed]
        if short:
            cid = short[0]
            cname = self.CLASSES[cid] if self.CLASSES is not None else cid
            raise ValueError(
                f'class {cname!r} (id {cid}) of {name} has {len(class_dict[cid])} images, fewer '
                f'than num_shots + num_queries = {self.num_shots} + {self.num_queries} = '
                f'{needed} ({len(short)} class(es) too small); lower num_shots/num_queries '
                'or give every class more images'
            )

    def _draw_episodes(self) -> None:
        """Fills ``episode_class_ids`` (E, N), ``support_idxes`` (E, N*K), ``query_idxes`` (E, N*Q).

        Draws from NumPy's global generator (seeded by the caller).
        """
        E, N, K, Q = self.num_episodes, self.num_ways, self.num_shots, self.num_queries
        class_dict = self.dataset.data_infos_class_dict
        class_keys = np.array(sorted(class_dict), dtype=np.int64)
        class_ids = np.empty((E, N), dtype=np.int64)
        for start in range(0, E, _CHUNK):
            stop = min(E, start + _CHUNK)
            picks = _random_subsets(stop - start, len(class_keys), N)
            class_ids[start:stop] = class_keys[picks]
        shots = np.empty((E, N, K + Q), dtype=np.int64)
        for cid in class_keys.tolist():
            episodes, ways = np.nonzero(class_ids == cid)  # (episode, way) pairs of this class
            if episodes.size:
                members = np.asarray(class_dict[cid], dtype=np.int64)
                shots[episodes, ways] = members[_random_subsets(episodes.size, members.size, K + Q)]
        self.episode_class_ids = class_ids
        self.support_idxes = shots[:, :, :K].reshape(E, N * K)
        self.query_idxes = shots[:, :, K:].reshape(E, N * Q)

    def get_episode_class_ids(self, idx: int) -> list[int]:
        """Returns the class ids (labels of the wrapped dataset) of episode ``idx``, way order."""
        return [int(c) for c in self.episode_class_ids[self._episode(idx)]]

    def get_episode_idxes(self, idx: int) -> dict[str, list[int]]:
        """Returns ``{'support': [N*K], 'query': [N*Q]}`` dataset indices of episode ``idx``."""
        idx = self._episode(idx)
        return {
            'support': [int(i) for i in self.support_idxes[idx]],
            'query': [int(i) for i in self.query_idxes[idx]],
        }

    def _episode(self, idx: int) -> int:
        if not -self.num_episodes <= idx < self.num_episodes:
            raise IndexError(
                f'episode index {idx} is out of range for {self.num_episodes} episodes; '
                f'use 0 to {self.num_episodes - 1}'
            )
        return int(idx) % self.num_episodes

    def _prepare(self, data_idx: int, label: int | None) -> Any:
        """Runs the wrapped pipeline on image ``data_idx``, with ``gt_label`` set to ``label``."""
        info = copy.deepcopy(self.dataset.data_infos[data_idx])
        if label is not None:
            info['gt_label'] = np.int64(label)
        return self.dataset.pipeline(info)

    def __getitem__(self, idx: int) -> dict[str, list[Any]]:
        idx = self._episode(idx)
        K, Q = self.num_shots, self.num_queries
        support = [self._prepare(int(i), pos // K) for pos, i in enumerate(self.support_idxes[idx])]
        query = [self._prepare(int(i), pos // Q) for pos, i in enumerate(self.query_idxes[idx])]
        return {'support_data': support, 'query_data': query}

    def __len__(self) -> int:
        return self.num_episodes

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(dataset={type(self.dataset).__name__}, '
            f'num_episodes={self.num_episodes}, num_ways={self.num_ways}, '
            f'num_shots={self.num_shots}, num_queries={self.num_queries}, '
            f'episodes_seed={self.episodes_seed})'
        )


_MODES = ('test_set', 'support', 'query')


class _MetaTestState:
    """Task id and cached features, shared by the shallow copies of one MetaTestDataset."""

    def __init__(self) -> None:
        self.task_id = 0
        self.feats: torch.Tensor | None = None  # (len(dataset), D)
        self.cached: np.ndarray | None = None  # (len(dataset),) bool
        self.metas: dict[int, Any] = {}


@DATASETS.register_module()
class MetaTestDataset(EpisodicDataset):
    """The episodes (tasks) of meta-testing, served one image at a time.

    Three modes share the episodes: ``'test_set'`` serves every image of the
    wrapped dataset (for extracting features once), ``'support'`` and
    ``'query'`` serve the N*K support and N*Q query images of the current task
    (:meth:`set_task_id`). Unlike :class:`EpisodicDataset`, items keep the
    wrapped dataset's labels; map them to ``[0, N)`` with
    ``label_wrapper(labels, dataset.get_task_class_ids())``.

    :meth:`support`, :meth:`query` and :meth:`test_set` switch the mode and
    return the dataset; ``copy.copy`` gives views with their own mode that
    share the task id and the feature cache (this is how
    ``build_meta_test_dataloader`` builds its three loaders). After
    :meth:`cache_feats`, support and query items are ``{'feats': (D,) tensor,
    'gt_label': int64 tensor, 'img_metas': DataContainer}`` instead of images.

    Args: as :class:`EpisodicDataset`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mode = 'test_set'
        self._state = _MetaTestState()
        self._file_to_idx: dict[str, int] | None = None

    # Modes -----------------------------------------------------------------
    @property
    def mode(self) -> str:
        """``'test_set'``, ``'support'`` or ``'query'``."""
        return self._mode

    def set_mode(self, mode: str) -> MetaTestDataset:
        """Switches to ``mode`` and returns ``self``."""
        if mode not in _MODES:
            raise ValueError(f'mode={mode!r} does not exist; use one of {list(_MODES)}')
        self._mode = mode
        return self

    def test_set(self) -> MetaTestDataset:
        """Serves every image of the wrapped dataset; returns ``self``."""
        return self.set_mode('test_set')

    def support(self) -> MetaTestDataset:
        """Serves the current task's support images; returns ``self``."""
        return self.set_mode('support')

    def query(self) -> MetaTestDataset:
        """Serves the current task's query images; returns ``self``."""
        return self.set_mode('query')

    # Tasks -----------------------------------------------------------------
    @property
    def task_id(self) -> int:
        """Index of the current task (episode)."""
        return self._state.task_id

    def set_task_id(self, task_id: int) -> None:
        """Makes episode ``task_id`` the current task (of every view of this dataset)."""
        self._state.task_id = self._episode(task_id)

    def get_task_class_ids(self, task_id: int | None = None) -> list[int]:
        """Class ids of a task (default: the current one), in way order."""
        return self.get_episode_class_ids(self.task_id if task_id is None else task_id)

    # Feature cache ---------------------------------------------------------
    @property
    def with_cache_feats(self) -> bool:
        """Whether :meth:`cache_feats` stored features (support/query then serve them)."""
        return self._state.feats is not None

    def cache_feats(self, feats: torch.Tensor | Sequence[torch.Tensor], img_metas: Any) -> None:
        """Stores features of test-set images, keyed by their file names.

        Args:
            feats: Features, shape (M, D) or (M, C, H, W) (feature maps, e.g.
                for RelationNet), or a sequence of (B_i, ...) / (D,) tensors
                adding up to M rows.
            img_metas: The M image metas (dicts with ``filename`` or
                ``ori_filename``), as a list or as collated DataContainers.
        """
        rows = _as_rows(feats)
        metas = _flatten_metas(img_metas)
        if rows.shape[0] != len(metas):
            raise ValueError(
                f'cache_feats got {rows.shape[0]} feature rows but {len(metas)} img_metas; '
                'pass one meta per feature row'
            )
        index = self._filename_index()
        state = self._state
        if state.feats is None or state.cached is None:
            state.feats = rows.new_zeros((len(self.dataset), *rows.shape[1:]))
            state.cached = np.zeros(len(self.dataset), dtype=bool)
        elif state.feats.shape[1:] != rows.shape[1:]:
            raise ValueError(
                f'cache_feats got {_describe(rows.shape[1:])} features but '
                f'{_describe(state.feats.shape[1:])} ones are cached; call clear_cached_feats() '
                'first'
            )
        for row, meta in enumerate(metas):
            idx = self._lookup(index, meta)
            state.feats[idx] = rows[row]
            state.cached[idx] = True
            state.metas[idx] = meta

    def clear_cached_feats(self) -> None:
        """Drops the cached features (support/query serve images again)."""
        self._state.feats, self._state.cached, self._state.metas = None, None, {}

    def _filename_index(self) -> dict[str, int]:
        if self._file_to_idx is None:
            index: dict[str, int] = {}
            for idx, info in enumerate(self.dataset.data_infos):
                name = info['img_info']['filename']
                prefix = info.get('img_prefix')
                index[osp.join(prefix, name) if prefix is not None else name] = idx
                index.setdefault(name, idx)
            self._file_to_idx = index
        return self._file_to_idx

    def _lookup(self, index: dict[str, int], meta: Any) -> int:
        if not isinstance(meta, Mapping):
            raise TypeError(f'img_metas must hold dicts, got {type(meta).__name__}')
        for key in ('filename', 'ori_filename'):
            if meta.get(key) in index:
                return index[meta[key]]
        raise KeyError(
            f'image {meta.get("filename", meta.get("ori_filename"))!r} of img_metas is not in '
            f'{type(self.dataset).__name__}; extract the features from this dataset (test_set '
            "mode) and keep 'filename' in Collect's meta_keys"
        )

    # Items -----------------------------------------------------------------
    def _task_indices(self) -> np.ndarray:
        table = self.support_idxes if self._mode == 'support' else self.query_idxes
        return table[self._state.task_id]

    def __len__(self) -> int:
        if self._mode == 'test_set':
            return len(self.dataset)
        return int(self._task_indices().size)

    def __getitem__(self, idx: int) -> Any:
        if self._mode == 'test_set':
            return self.dataset[idx]
        data_idx = int(self._task_indices()[idx])
        state = self._state
        if state.feats is None or state.cached is None:
            return self._prepare(data_idx, None)
        if not state.cached[data_idx]:
            filename = self.dataset.data_infos[data_idx]['img_info']['filename']
            raise KeyError(
                f'no cached feature for {filename!r} (task {state.task_id}, {self._mode}); '
                'pass the features of the whole test set to cache_feats'
            )
        label = np.int64(self.dataset.data_infos[data_idx]['gt_label'])
        return {
            'feats': state.feats[data_idx],
            'gt_label': torch.as_tensor(label),
            'img_metas': DataContainer(state.metas[data_idx], cpu_only=True),
        }

    def __repr__(self) -> str:
        return f'{super().__repr__()[:-1]}, mode={self._mode!r}, task_id={self.task_id})'


def _describe(shape: torch.Size) -> str:
    """``'D-d'`` for feature vectors, ``'(C, H, W)-shaped'`` for feature maps."""
    return f'{shape[0]}-d' if len(shape) == 1 else f'{tuple(shape)}-shaped'


def _as_rows(feats: torch.Tensor | Sequence[torch.Tensor]) -> torch.Tensor:
    """Stacks features into a detached CPU tensor of shape (M, ...), one row per image."""
    if isinstance(feats, torch.Tensor):
        parts = [feats]
    else:
        parts = list(feats)
        if not parts or not all(isinstance(p, torch.Tensor) for p in parts):
            raise TypeError('feats must be a tensor or a non-empty sequence of tensors')
    rows = [p.detach().cpu() if p.dim() > 1 else p.detach().cpu()[None] for p in parts]
    return torch.cat(rows)


def _flatten_metas(img_metas: Any) -> list[Any]:
    """Flattens lists and DataContainers of metas into one list of dicts."""
    if isinstance(img_metas, DataContainer):
        return _flatten_metas(img_metas.data)
    if isinstance(img_metas, Mapping):
        return [img_metas]
    if isinstance(img_metas, Sequence) and not isinstance(img_metas, str):
        return [meta for item in img_metas for meta in _flatten_metas(item)]
    raise TypeError(
        f'img_metas must be dicts, lists or DataContainers, got {type(img_metas).__name__}'
    )
