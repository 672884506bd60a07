import io
from collections import OrderedDict

import numpy as np
import torch
from mmengine.config import ConfigDict
from mmengine.logging import HistoryBuffer, MessageHub

from mmfewshot.engine import from_plain_checkpoint, to_plain_checkpoint, to_plain_data
from mmfewshot.engine.checkpoint_io import update_latest_link


def test_message_hub_round_trips_through_weights_only_load():
    hub = MessageHub('engine-test-hub')
    for value in (1.5, 2.5, 4.0):
        hub.update_scalar('train/loss', value)
    hub.update_info('best', np.float64(0.25))
    checkpoint = {
        'meta': {'seed': np.int64(3), 'cfg': ConfigDict(a=1), 'arr': np.arange(3)},
        'message_hub': hub.state_dict(),
    }
    to_plain_checkpoint(checkpoint)
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)
    assert loaded['meta'] == {'seed': 3, 'cfg': {'a': 1}, 'arr': [0, 1, 2]}
    from_plain_checkpoint(loaded)
    restored = MessageHub('engine-test-hub-2')
    restored.load_state_dict(loaded['message_hub'])
    assert isinstance(restored.log_scalars['train/loss'], HistoryBuffer)
    assert restored.log_scalars['train/loss'].mean() == 8.0 / 3
    assert restored.get_info('best') == 0.25


def test_to_plain_data_keeps_tensors_tuples_and_ordered_dicts():
    value = OrderedDict(t=torch.ones(2), pair=(np.float32(1.5), 'x'))
    plain = to_plain_data(value)
    assert isinstance(plain, OrderedDict)
    assert torch.equal(plain['t'], torch.ones(2))
    assert plain['pair'] == (1.5, 'x')
    assert type(plain['pair'][0]) is float


def test_latest_link_points_at_the_newest(tmp_path):
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        (tmp_path / name).write_bytes(name.encode())
        update_latest_link(str(tmp_path), name)
    assert (tmp_path / 'latest.pth').read_bytes() == b'epoch_2.pth'
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'epoch_1.pth',
        'epoch_2.pth',
        'latest.pth',
    ]
