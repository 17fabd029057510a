"""PyTorch reference for `npm run bench`: the lesson's model, the same data and split.

Flatten -> Linear(784, 100) -> ReLU -> Dropout(0.3) -> Linear(100, 10), Adam (Keras defaults:
lr 1e-3, eps 1e-7), cross-entropy on logits (what Keras's softmax + sparse categorical
cross-entropy computes), batch 32 (validation too, as Keras's fit), 80/20 split with the permutation scikit-learn's
train_test_split(random_state=42) draws. Prints one JSON line with the fields of
bench/tfjs-run.ts's RunResult.

    /usr/bin/python3 bench/torch_ref.py --epochs 2 [--threads N]
"""
import argparse
import gzip
import json
import resource
import statistics
import time

from blas_threads import pin

pin(default=0)  # before numpy and torch load OpenBLAS: see blas_threads.py
import numpy as np  # noqa: E402
import torch  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name, offset):
    with gzip.open(f"{DATA}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def blas_library():
    """Which BLAS shared library torch loaded: reference BLAS is several times slower than OpenBLAS."""
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line}
    return ", ".join(sorted(names)) or "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    images = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28).astype(np.float32) / 255.0
    labels = read_idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    n = len(labels)
    n_test = int(np.ceil(0.2 * n))
    order = np.random.RandomState(42).permutation(n)
    test_idx, train_idx = order[:n_test], order[n_test:]
    x_train, y_train = torch.from_numpy(images[train_idx]), torch.from_numpy(labels[train_idx])
    x_val, y_val = torch.from_numpy(images[test_idx]), torch.from_numpy(labels[test_idx])

    model = torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(784, 100),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.3),
        torch.nn.Linear(100, 10),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = 32
    n_train = len(y_train)
    steps = (n_train + batch - 1) // batch

    epoch_seconds, train_seconds = [], []
    val_loss = val_acc = float("nan")
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(n_train)
        for i in range(steps):
            idx = perm[i * batch:(i + 1) * batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        trained = time.perf_counter()
        model.eval()
        with torch.no_grad():
            # In batches of 32, as Keras and tfjs validate during fit.
            logits = torch.cat([model(x_val[i:i + batch]) for i in range(0, len(y_val), batch)])
            val_loss = loss_fn(logits, y_val).item()
            val_acc = (logits.argmax(1) == y_val).float().mean().item()
        end = time.perf_counter()
        epoch_seconds.append(end - start)
        train_seconds.append(trained - start)

    steady = lambda v: v[1:] if len(v) > 1 else v  # noqa: E731
    train_s = statistics.median(steady(train_seconds))
    print(json.dumps({
        "name": "PyTorch " + torch.__version__,
        "backend": "torch-cpu",
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "epochs": args.epochs,
        "stepsPerEpoch": steps,
        "msPerStep": train_s * 1000 / steps,
        "sPerEpoch": statistics.median(steady(epoch_seconds)),
        "samplesPerSec": n_train / train_s,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "valLoss": val_loss,
        "valAccuracy": val_acc,
        "epochSeconds": epoch_seconds,
        "trainSeconds": train_seconds,
        "validationSeconds": statistics.median([e - t for e, t in zip(epoch_seconds, train_seconds)]),
    }))


if __name__ == "__main__":
    main()
