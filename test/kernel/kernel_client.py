"""A JSON-lines driver for a Jupyter kernel, built on jupyter_client (the reference client).

The node:test integration tests start it as
    /usr/bin/python3 kernel_client.py KERNEL_NAME CWD
with JUPYTER_PATH pointing at a temporary kernelspec install, write one JSON
request per line on stdin and read one JSON answer per line on stdout.

Requests ({"op": ...}):
  execute      code, [timeout], [user_expressions], [interrupt_after, interrupt_via: "signal"|"message"]
               -> {"reply": content, "outputs": [{"msg_type", "content"}...]}
  execute_many codes  (sent together, queued by the kernel) -> {"replies": [content...]}
  request      msg_type, content, [channel: "shell"|"control"]  (any other request)
               -> {"reply": {"msg_type", "content"}}
  forged       code, key: "wrong"|"none"   send an execute_request signed with a wrong key or unsigned
               -> {"reply": null} when the kernel ignored it, else the reply
  comm         msg_type (comm_open|comm_msg|comm_close|comm_info_request), content, [during: code, after: s]
               send a comm message (while the cell `during` runs, `after` seconds after it started)
               -> {"reply": content|null, "outputs": [...], "cell": execute answer and its statuses|null,
                   "handled_before_cell_ended": bool}
  control_during  code, msg_type, [after], [collect]  run the cell; `after` seconds later send msg_type
               on control -> {"reply": content, "reply_seconds": how long the reply took,
               "cell": the cell's execute answer (null with collect false: then "alive_after" instead)}
  alive        -> {"alive": bool}
  shutdown     [restart]  -> {"reply": content}
"""

import json
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session


def collect(kc, msg_id, timeout):
    """Wait for the reply to msg_id, then read iopub until the kernel is idle for it."""
    deadline = time.time() + timeout
    reply = None
    while reply is None:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError(f"no reply to {msg_id} within {timeout}s")
        try:
            msg = kc.get_shell_msg(timeout=remaining)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    outputs = []
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError(f"no idle status for {msg_id} within {timeout}s")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        outputs.append({"msg_type": msg["msg_type"], "content": msg["content"]})
    return reply, outputs


def gather(kc, ids, timeout):
    """Read iopub until every message in ids is idle; outputs by parent id, and the order the idles came in."""
    deadline = time.time() + timeout
    outputs = {i: [] for i in ids}
    states = {i: [] for i in ids}
    idle_order = []
    while len(idle_order) < len(ids):
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError(f"no idle status for {set(ids) - set(idle_order)} within {timeout}s")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except Empty:
            continue
        parent = msg["parent_header"].get("msg_id")
        if parent not in outputs:
            continue
        if msg["msg_type"] == "status":
            states[parent].append(msg["content"]["execution_state"])
            if msg["content"]["execution_state"] == "idle":
                idle_order.append(parent)
            continue
        outputs[parent].append({"msg_type": msg["msg_type"], "content": msg["content"]})
    return outputs, idle_order, states


def shell_reply(kc, msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        got = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if got["parent_header"].get("msg_id") == msg_id:
            return got["content"]


def comm_op(kc, req, timeout):
    """A comm message from the client, optionally sent while a cell runs."""
    cell_id = None
    if "during" in req:
        cell_id = kc.execute(req["during"])
        time.sleep(req.get("after", 1))
    msg = kc.session.msg(req["msg_type"], req.get("content", {}))
    kc.shell_channel.send(msg)
    msg_id = msg["header"]["msg_id"]
    ids = [msg_id] + ([cell_id] if cell_id else [])
    outputs, idle_order, states = gather(kc, ids, timeout)
    replies = {}
    for i in ids:
        if i == cell_id or req["msg_type"].endswith("_request"):
            replies[i] = shell_reply(kc, i, timeout)
    return {
        "reply": replies.get(msg_id),
        "outputs": outputs[msg_id],
        "cell": {"reply": replies[cell_id], "outputs": outputs[cell_id], "states": states[cell_id]} if cell_id else None,
        "handled_before_cell_ended": bool(cell_id) and idle_order.index(msg_id) < idle_order.index(cell_id),
    }


def main():
    kernel_name, cwd = sys.argv[1], sys.argv[2]
    km, kc = start_new_kernel(kernel_name=kernel_name, cwd=cwd, startup_timeout=60)
    print(json.dumps({"ready": True}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            op = req["op"]
            timeout = req.get("timeout", 60)
            try:
                if op == "execute":
                    msg_id = kc.execute(req["code"], store_history=req.get("store_history", True),
                                        stop_on_error=req.get("stop_on_error", True),
                                        user_expressions=req.get("user_expressions"))
                    if "interrupt_after" in req:
                        # Wait until the cell has produced its first output (it is running), then interrupt.
                        time.sleep(req["interrupt_after"])
                        if req.get("interrupt_via") == "message":
                            msg = kc.session.msg("interrupt_request", {})
                            kc.control_channel.send(msg)
                        else:
                            km.interrupt_kernel()
                    reply, outputs = collect(kc, msg_id, timeout)
                    answer = {"reply": reply["content"], "outputs": outputs}
                elif op == "execute_many":
                    # Queue several cells at once; answer each one's reply status.
                    ids = [kc.execute(code) for code in req["codes"]]
                    answer = {"replies": [collect(kc, msg_id, timeout)[0]["content"] for msg_id in ids]}
                elif op == "request":
                    channel = kc.control_channel if req.get("channel") == "control" else kc.shell_channel
                    msg = kc.session.msg(req["msg_type"], req.get("content", {}))
                    channel.send(msg)
                    deadline = time.time() + timeout
                    while True:
                        got = (kc.get_control_msg if channel is kc.control_channel else kc.get_shell_msg)(
                            timeout=max(0.1, deadline - time.time()))
                        if got["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                            break
                    answer = {"reply": {"msg_type": got["msg_type"], "content": got["content"]}}
                elif op == "forged":
                    key = b"" if req["key"] == "none" else b"not-the-kernel-key"
                    forger = Session(key=key, session=kc.session.session, username=kc.session.username)
                    msg = forger.msg("execute_request", {"code": req["code"], "silent": False,
                                                         "store_history": True, "user_expressions": {},
                                                         "allow_stdin": False, "stop_on_error": True})
                    if req["key"] == "none":
                        forger.auth = None
                    forger.send(kc.shell_channel.socket, msg)
                    try:
                        got = kc.get_shell_msg(timeout=req.get("wait", 3))
                        answer = {"reply": {"msg_type": got["msg_type"], "content": got["content"]}}
                    except Empty:
                        answer = {"reply": None}
                elif op == "comm":
                    answer = comm_op(kc, req, timeout)
                elif op == "control_during":
                    cell_id = kc.execute(req["code"])
                    time.sleep(req.get("after", 1))
                    msg = kc.session.msg(req["msg_type"], req.get("content", {}))
                    sent = time.time()
                    kc.control_channel.send(msg)
                    while True:
                        got = kc.get_control_msg(timeout=timeout)
                        if got["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                            break
                    reply_seconds = time.time() - sent
                    answer = {"reply": got["content"], "reply_seconds": reply_seconds, "cell": None}
                    if req.get("collect", True):
                        reply, outputs = collect(kc, cell_id, timeout)
                        # Not the cell's own (large) source back in execute_input.
                        outputs = [o for o in outputs if o["msg_type"] != "execute_input"]
                        answer["cell"] = {"reply": reply["content"], "outputs": outputs}
                    else:
                        for _ in range(50):
                            if not km.is_alive():
                                break
                            time.sleep(0.1)
                        answer["alive_after"] = km.is_alive()
                elif op == "alive":
                    answer = {"alive": km.is_alive()}
                elif op == "shutdown":
                    msg = kc.session.msg("shutdown_request", {"restart": req.get("restart", False)})
                    kc.control_channel.send(msg)
                    while True:
                        got = kc.get_control_msg(timeout=timeout)
                        if got["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                            break
                    for _ in range(50):
                        if not km.is_alive():
                            break
                        time.sleep(0.1)
                    answer = {"reply": got["content"], "alive_after": km.is_alive()}
                else:
                    answer = {"error": f"unknown op {op!r}"}
            except Exception as e:  # report, keep serving
                answer = {"error": f"{type(e).__name__}: {e}"}
            print(json.dumps(answer, default=str), flush=True)
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
