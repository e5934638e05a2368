# Makes the .pth fuzz seeds (run once, in this folder, with Python 3 and PyTorch 1.13; the files are committed).
import collections, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.BatchNorm2d(4))
sd = m.state_dict()                      # OrderedDict with _metadata (a BUILD), int64 0-d buffer
base = torch.arange(6, dtype=torch.float32).reshape(3, 2)
sd['view.t'] = base.t()                  # non-contiguous view sharing a storage
sd['view.slice'] = base[1:]              # storage offset 2
sd['half'] = torch.tensor([1.5, -2.0], dtype=torch.float16)
sd['bf16'] = torch.tensor([0.25, 3.0], dtype=torch.bfloat16)
sd['mask'] = torch.tensor([True, False, True])
sd['idx'] = torch.tensor([3, 1, 2], dtype=torch.int64)
sd['scalar'] = torch.tensor(2.5, dtype=torch.float64)
sd['empty'] = torch.zeros(0, 3)
torch.save(sd, 'state-dict.pth')
ema = collections.OrderedDict((k, v.clone() if v.is_floating_point() else v) for k, v in m.state_dict().items())
torch.save({'params': m.state_dict(), 'params_ema': ema, 'iter': 5}, 'official-layout.pth')
torch.save(m.state_dict(), 'legacy.pth', _use_new_zipfile_serialization=False)
