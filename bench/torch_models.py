"""PyTorch reference for `npm run bench`'s table: the same models as bench/models.ts, the same data.

Each model as a learner would write it in PyTorch: Linear layers with the same activations,
cross-entropy on logits (what Keras's softmax + sparse categorical cross-entropy computes), the
optimizers with Keras's defaults (Adam lr 1e-3 eps 1e-7, SGD lr 0.01, RMSprop lr 1e-3 alpha 0.9
eps 1e-7). The chapter-9 models are nn.Embedding / one-hot input, nn.RNN (tanh), nn.LSTM or nn.GRU
(batch_first, 8 units), Linear(8, 1) and BCEWithLogitsLoss, RMSprop lr 1e-4, on the token
sequences bench/models.ts's benchTokens makes. Runs --warmup steps, then times --steps steps on
the next steps x batch samples, shuffled. Prints one JSON line: msPerStep (wall clock) and
cpuMsPerStep (this process's CPU time).

    /usr/bin/python3 bench/torch_models.py --model lesson --threads 1 [--blas-threads 2] --steps 300 --warmup 30

OpenBLAS takes --threads too, or --blas-threads where given (bench/blas_threads.py).
"""
import argparse
import gzip
import json
import os
import time

from blas_threads import pin

pin(default=1)  # before numpy and torch load OpenBLAS: see blas_threads.py
import numpy as np  # noqa: E402
import torch  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"
nn = torch.nn


def read_idx(name, offset):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


SEQUENCE = 100


def bench_tokens(count, vocabulary):
    """bench/models.ts's benchTokens: ids (pre-padded) and labels i % 2."""
    i = np.arange(count)[:, None]
    t = np.arange(SEQUENCE)[None, :]
    ids = 1 + (i * 37 + t * 11 + (t * t) % 13) % (vocabulary - 1)
    ids = np.where(t < (i % 3) * 20, 0, ids)
    return ids.astype(np.int64), (np.arange(count) % 2).astype(np.float32)


class Recurrent(nn.Module):
    """Embedding (or one-hot) -> RNN/LSTM/GRU(8) -> Linear(8, 1): the book's chapter-9 models."""

    def __init__(self, cell, vocabulary, embed):
        super().__init__()
        self.vocabulary = vocabulary
        self.embedding = nn.Embedding(vocabulary, 16) if embed else None
        size = 16 if embed else vocabulary
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](size, 8, batch_first=True)
        self.out = nn.Linear(8, 1)

    def forward(self, ids):
        x = self.embedding(ids) if self.embedding is not None else nn.functional.one_hot(ids, self.vocabulary).float()
        _, state = self.rnn(x)
        h = state[0] if isinstance(state, tuple) else state
        return self.out(h[-1])


RECURRENT = {"rnn": ("rnn", 200, False), "embedding-rnn": ("rnn", 200, True), "lstm": ("lstm", 500, True), "gru": ("gru", 500, True)}


def build(name):
    """(model, optimizer, batch, image shape) for a bench model."""
    if name == "lesson":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Dropout(0.3), nn.Linear(100, 10))
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7), 32, (28, 28)
    if name == "sigmoid":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.01), 32, (28, 28)
    if name == "mlp":
        model = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10)
        )
        return model, torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7), 64, (28, 28)
    if name == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 100), nn.ReLU(), nn.Dropout(0.4), nn.Linear(100, 10),
        )
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7), 32, (1, 28, 28)
    if name in RECURRENT:
        model = Recurrent(*RECURRENT[name])
        return model, torch.optim.RMSprop(model.parameters(), lr=1e-4, alpha=0.9, eps=1e-7), 64, None
    raise SystemExit(
        f"torch_models.py: unknown model {name}; expected lesson, sigmoid, mlp, cnn, {', '.join(RECURRENT)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="lesson")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--blas-threads", type=int, default=0, help="OpenBLAS's threads; 0: as --threads")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model, optimizer, batch, shape = build(args.model)
    n = (args.warmup + args.steps) * batch
    if shape is None:
        ids, labels = bench_tokens(n, RECURRENT[args.model][1])
        x, y = torch.from_numpy(ids), torch.from_numpy(labels)[:, None]
        loss_fn = nn.BCEWithLogitsLoss()
    else:
        all_labels = read_idx("train-labels-idx1-ubyte.gz", 8)
        # More samples than the training set (a long run): it starts over.
        take = np.arange(n) % len(all_labels)
        images = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, *shape)[take].astype(np.float32) / 255.0
        labels = all_labels[take].astype(np.int64)
        x, y = torch.from_numpy(images), torch.from_numpy(labels)
        loss_fn = nn.CrossEntropyLoss()
    model.train()

    def run(first, steps):
        order = first + torch.randperm(steps * batch)
        for i in range(steps):
            idx = order[i * batch:(i + 1) * batch]
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()

    run(0, args.warmup)
    start, cpu_start = time.perf_counter(), time.process_time()
    run(args.warmup * batch, args.steps)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({
        "model": args.model,
        "threads": torch.get_num_threads(),
        "blasThreads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
        "torch": torch.__version__,
        "steps": args.steps,
        "msPerStep": wall * 1000 / args.steps,
        "cpuMsPerStep": cpu * 1000 / args.steps,
    }))


if __name__ == "__main__":
    main()
