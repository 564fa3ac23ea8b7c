"""JupyterLab for analysts: a real Jupyter server on loopback lists the notebooks through its REST API,
starts the project kernel through the server, and runs the cleaning notebook's first cells in it."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from kemiskinan import config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={config.PROJ_ROOT}",
           "--MappingKernelManager.default_kernel_name=kemiskinan", "--LabApp.news_url=",
           "--ServerApp.open_browser=False"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urlopen(Request(f"{base}/api/status", headers={"Authorization": f"token {token}"}), timeout=2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {proc.stderr.read()[-2000:]}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not answer within 60 s")
    yield base, token, port
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _get(base, token, path, method="GET", body=None):
    req = Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                  headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def test_server_lists_notebooks_and_refuses_without_token(lab):
    base, token, _ = lab
    listing = _get(base, token, "/api/contents/notebooks")
    names = {c["name"] for c in listing["content"] if c["type"] == "notebook"}
    assert {"01_bersihkan_data.ipynb", "02_hitung_indikator.ipynb", "03_briefing.ipynb"} <= names
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as e:
        urlopen(Request(base + "/api/contents/notebooks"), timeout=10)
    assert e.value.code in (401, 403)
    specs = _get(base, token, "/api/kernelspecs")
    assert "kemiskinan" in specs["kernelspecs"]


def test_project_kernel_runs_the_cleaning_notebooks_first_cells(lab, sample_raw):
    import asyncio

    from tornado.websocket import websocket_connect

    base, token, port = lab
    kernel = _get(base, token, "/api/kernels", method="POST", body={"name": "kemiskinan"})
    nb = json.loads((config.NOTEBOOKS_DIR / "01_bersihkan_data.ipynb").read_text())
    first_code = [c for c in nb["cells"] if c["cell_type"] == "code"][:2]  # parameters + setup
    assert "parameters" in first_code[0]["metadata"]["tags"]

    async def run():
        ws = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}")
        results = []
        for cell in first_code:
            code = "".join(cell["source"])
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            out, status = [], None
            while status is None:
                raw = await asyncio.wait_for(ws.read_message(), timeout=60)
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "stream":
                    out.append(m["content"]["text"])
                elif m["msg_type"] == "error":
                    out.append(m["content"]["ename"] + ": " + m["content"]["evalue"])
                elif m["msg_type"] == "execute_reply":
                    status = m["content"]["status"]
            results.append((status, "".join(out)))
        ws.close()
        return results

    # In its own thread: another test module's playwright may hold an event loop in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:
        results = ex.submit(asyncio.run, run()).result(timeout=180)
    assert [s for s, _ in results] == ["ok", "ok"], results
    # The same anchored paths as the build, whatever the server's working directory.
    assert str(config.SAMPLE_RAW_DIR) in results[1][1]
    assert str(config.processed_dir("2018-05")) in results[1][1]
    _get(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
