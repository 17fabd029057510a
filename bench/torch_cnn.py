"""PyTorch reference for the next chapter's CNN (hg-mldl 8-2), for `bench/cnn.ts` and the bench table.

Conv2d(1, 32, 3, padding same) -> ReLU -> MaxPool(2) -> Conv2d(32, 64, 3, same) -> ReLU -> MaxPool(2)
-> Flatten -> Linear(3136, 100) -> ReLU -> Dropout(0.4) -> Linear(100, 10), Adam (Keras defaults: lr 1e-3,
eps 1e-7), cross-entropy on logits, batch 32, on the first --samples Fashion-MNIST training images
(pixels / 255), after --warmup steps. Prints one JSON line: msPerStep (wall clock) and cpuMsPerStep (this
process's CPU time, steadier on a busy machine), medians over --repeat timed passes.

    /usr/bin/python3 bench/torch_cnn.py --samples 3200 [--threads 1] [--repeat 3]
"""
import argparse
import gzip
import json
import statistics
import time

from blas_threads import pin

pin(default=1)  # before numpy and torch load OpenBLAS: see blas_threads.py
import numpy as np  # noqa: E402
import torch  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name, offset):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(3136, 100),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.4),
        torch.nn.Linear(100, 10),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=3200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    images = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[: args.samples]
    labels = read_idx("train-labels-idx1-ubyte.gz", 8)[: args.samples]
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    model = cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = 32
    steps = (len(y) + batch - 1) // batch
    model.train()

    def step(i):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i * batch:(i + 1) * batch]), y[i * batch:(i + 1) * batch])
        loss.backward()
        optimizer.step()

    for i in range(args.warmup):
        step(i % steps)
    passes, cpu_passes = [], []
    for _ in range(args.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        for i in range(steps):
            step(i)
        passes.append((time.perf_counter() - start) * 1000 / steps)
        cpu_passes.append((time.process_time() - cpu_start) * 1000 / steps)
    print(json.dumps({
        "name": "PyTorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "steps": steps,
        "msPerStep": statistics.median(passes),
        "cpuMsPerStep": statistics.median(cpu_passes),
        "passes": passes,
        "cpuPasses": cpu_passes,
    }))


if __name__ == "__main__":
    main()
