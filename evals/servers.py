"""Server processes for the benchmark and the tests: `chroma run` and `bot serve` on 127.0.0.1.

Each is started as its own session and stopped by its PID (SIGTERM, then SIGKILL after a grace period).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import CancelledError
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}" + (f": {log.read_text()[-2000:]}" if log else ""))
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s")


def chroma_exe() -> str:
    exe = Path(sys.executable).with_name("chroma")
    return str(exe) if exe.exists() else (shutil.which("chroma") or "chroma")


def start_chroma(path: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    """`chroma run --path PATH` on 127.0.0.1:PORT, returned once its heartbeat answers."""
    proc = subprocess.Popen([chroma_exe(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, timeout)
    return proc


def start_bot_serve(data_dir: Path, port: int, log: Path, env: dict | None = None,
                    timeout: float = 240) -> subprocess.Popen:
    """`bot serve --port PORT` with BOT_DATA_DIR=data_dir (it ingests the corpus first if the store is empty)."""
    e = {**os.environ, "BOT_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=ROOT, env=e,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _wait_for(f"http://127.0.0.1:{port}/", proc, timeout, log)
    return proc


def stop(proc: subprocess.Popen, grace: float = 15) -> None:
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def resubmit_dropped(predict, *args, **kwargs):
    """`predict(*args, **kwargs)`, submitted once more if gradio_client itself dropped the event.

    gradio_client 2.x reads every event of a client over one SSE stream, which the server ends (`close_stream`)
    as soon as its last pending event completes. A `predict` submitted just after the previous one returned, before
    the reader has read that message, is tagged to the closing reader and cancelled with it: `CancelledError`, with
    nothing from the server (seen once in CI, tests/test_reliability.py). The second submission opens a new reader;
    a server that is really gone fails it with a connection error.
    """
    try:
        return predict(*args, **kwargs)
    except CancelledError:
        return predict(*args, **kwargs)


def web_client(url: str, **kwargs):
    """A `gradio_client.Client` for `bot serve` at URL whose `predict` resubmits an event the client dropped."""
    from gradio_client import Client

    class WebClient(Client):
        def predict(self, *args, **kw):
            return resubmit_dropped(super().predict, *args, **kw)

    return WebClient(url, verbose=False, **kwargs)


def peak_rss_mb(pid: int | str) -> float | None:
    """VmHWM of a running process (Linux; "self" for this one), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
