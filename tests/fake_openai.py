"""A scripted OpenAI-compatible chat server on 127.0.0.1, for tests of the real `openai` client.

    python tests/fake_openai.py PORT SCRIPT.json

SCRIPT is a list of steps, one consumed per POST /v1/chat/completions:
    {"content": "...", "tool_calls": [{"name": "...", "arguments": "..."}]}   a reply (streamed if asked)
    {"status": 429} / {"status": 500}                                          an error
    {"delay": 5, ...}                                                          sleep first (timeouts)
    {"repeat": true, ...}                                                      never consumed (endless)
POST /v1/embeddings answers with deterministic hashing vectors (not scripted).
GET /_history returns the request bodies received, like simonw/llm's MockModel.history.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
HISTORY: list[dict] = []
STEPS: list[dict] = []


def next_step() -> dict:
    with LOCK:
        if not STEPS:
            return {"status": 500, "error": "script exhausted"}
        step = STEPS[0]
        if not step.get("repeat"):
            STEPS.pop(0)
        return step


def embeddings(body: dict) -> dict:
    """Deterministic 1024-d character-bigram hashing vectors: similar texts get similar vectors."""
    import hashlib

    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = []
    for i, t in enumerate(texts):
        v = [0.0] * 1024
        for j in range(len(t) - 1):
            v[int.from_bytes(hashlib.md5(t[j:j + 2].encode()).digest()[:2], "big") % 1024] += 1.0
        data.append({"object": "embedding", "index": i, "embedding": v})
    return {"object": "list", "data": data, "model": body.get("model", "fake-embed"),
            "usage": {"prompt_tokens": 1, "total_tokens": 1}}


def completion(step: dict, model: str) -> dict:
    calls = [{"id": f"call_{i}", "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
             for i, c in enumerate(step.get("tool_calls", []))]
    msg = {"role": "assistant", "content": step.get("content")}
    if calls:
        msg["tool_calls"] = calls
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def stream_chunks(step: dict, model: str):
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    content = step.get("content") or ""
    for i in range(0, len(content), 4):
        yield {**base, "choices": [{"index": 0, "delta": {"content": content[i:i + 4]}, "finish_reason": None}]}
    for i, c in enumerate(step.get("tool_calls", [])):
        args = c["arguments"]
        yield {**base, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": i, "id": f"call_{i}", "type": "function", "function": {"name": c["name"], "arguments": args[:5]}}]},
            "finish_reason": None}]}
        yield {**base, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": i, "function": {"arguments": args[5:]}}]}, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls" if step.get("tool_calls") else "stop"}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _json(self, status: int, obj) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_history":
            with LOCK:
                self._json(200, HISTORY)
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            HISTORY.append(body)
        if self.path.endswith("/embeddings"):
            return self._json(200, embeddings(body))
        if not self.path.endswith("/chat/completions"):
            return self._json(404, {"error": {"message": "not found"}})
        step = next_step()
        if step.get("delay"):
            time.sleep(step["delay"])
        status = step.get("status", 200)
        if status != 200:
            return self._json(status, {"error": {"message": step.get("error", f"scripted {status}"), "type": "fake"}})
        model = body.get("model", "fake")
        if not body.get("stream"):
            return self._json(200, completion(step, model))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in stream_chunks(step, model):
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


def main() -> None:
    port, script = int(sys.argv[1]), sys.argv[2]
    with open(script, encoding="utf-8") as f:
        STEPS.extend(json.load(f))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
