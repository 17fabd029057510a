"""Print the HDF5 layout of files as JSON, read with h5py (what Keras reads through).

Usage: /usr/bin/python3 keras_h5_layout.py FILE [FILE ...]

For each file: every group and dataset by path, with its attributes (type
class, variable or fixed length, character set, padding, shape, and string
values) and, for datasets, shape and dtype. The Keras HDF5 tests compare these
layouts between files written by tslab-dl and files written by Python Keras.
"""
import json
import sys

import h5py
import numpy as np

CLASSES = {
    h5py.h5t.INTEGER: "integer",
    h5py.h5t.FLOAT: "float",
    h5py.h5t.STRING: "string",
}


def describe_attr(obj, name):
    attr_id = obj.attrs.get_id(name)
    t = attr_id.get_type()
    cls = CLASSES.get(t.get_class(), "other")
    out = {"class": cls, "shape": list(attr_id.shape)}
    if cls == "string":
        out["vlen"] = bool(t.is_variable_str())
        out["cset"] = "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        out["strpad"] = int(t.get_strpad())
        if not out["vlen"]:
            out["itemsize"] = t.get_size()
        value = obj.attrs[name]
        if isinstance(value, np.ndarray):
            value = [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in value.tolist()]
        elif isinstance(value, bytes):
            value = value.decode("utf8")
        out["value"] = value
        out["python_type"] = type(obj.attrs[name]).__name__
    else:
        out["itemsize"] = t.get_size()
    return out


def layout(path):
    nodes = {}
    with h5py.File(path, "r") as f:

        def add(name, obj):
            key = "/" + name if name else "/"
            entry = {"attrs": {a: describe_attr(obj, a) for a in obj.attrs}}
            if isinstance(obj, h5py.Dataset):
                entry["kind"] = "dataset"
                entry["shape"] = list(obj.shape)
                entry["dtype"] = obj.dtype.str
            else:
                entry["kind"] = "group"
            nodes[key] = entry

        add("", f)
        f.visititems(add)
    return nodes


if __name__ == "__main__":
    print(json.dumps({p: layout(p) for p in sys.argv[1:]}))
