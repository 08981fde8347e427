#!/usr/bin/env python3
"""A small OpenAI-compatible HTTP server for fault tests, on 127.0.0.1 only.

The first path segment picks the behaviour; the rest is the usual /v1/chat/completions:
  ok        a normal answer (JSON, or SSE when "stream": true, with a UTF-8 character split
            across two writes and a ": ping" comment)
  retry429  answers 429 with Retry-After: 1 the first time each request body is seen, then ok
  flaky500  answers 500 the first time each request body is seen, then ok
  stall     sends the headers and one chunk, then goes silent for 30 s
  slow      streams 200 small deltas, 0.1 s apart (for cancellation)
  garbage   answers 200 with a body that is not JSON
  huge      answers with 5,000,000 characters of content
  bad400    answers 400 with an OpenAI-style error object
  queued    says nothing for 3 s (a request waiting for a slot), then answers as ok
  longqueue the same for 6 s (long enough for the client to report the wait)
  hang      accepts the connection and never answers, GET /hang/v1/models included
  busy      never answers a completion, but GET /busy/v1/models answers (alive, only busy)
  jsononly  ignores "stream" and always answers one JSON body
  nogrammar refuses a grammar like OpenAI (400 "Unrecognized request argument supplied: grammar")
  noschema  refuses a grammar so, and json_schema like old llama-cpp-python (500 "Input should be
            'text' or 'json_object'")
  noformat  refuses any response_format or grammar (400)
  newtokens refuses "max_tokens" like OpenAI's reasoning models (400 "Unsupported parameter:
            'max_tokens' … Use 'max_completion_tokens' instead.") and answers "max_completion_tokens"
  html501   answers 501 with a multi-line HTML page
  chaos     a random fault per request (429, 500, reset, garbage, stall, slow first byte, or ok),
            drawn from the request body and how often it was seen, so a retry may succeed; only
            4 requests are served at a time (slots), the rest wait silently as in a real server
GET /stats returns {"requests": N, "disconnects": M, "formats": {mode: last response_format type or
"grammar"}, "tokenFields": {mode: the last request's token-limit field}};
GET /<mode>/v1/models lists one model.
Prints "PORT <n>" on its first line; exits after 300 s on its own.
"""
import json, random, signal, socket, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats = {"requests": 0, "disconnects": 0, "formats": {}, "faults": {}, "tokenFields": {}}
seen = {}
chaos_slots = threading.BoundedSemaphore(4)


def completion(text, model="fault-model"):
    return {"id": "c1", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def chunk(delta, finish=None):
    return {"object": "chat.completion.chunk", "model": "fault-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                return self.send_json(200, json.loads(json.dumps(stats)))
        if self.path.startswith("/hang/"):
            time.sleep(300)
            return
        if self.path.endswith("/v1/models"):
            return self.send_json(200, {"object": "list", "data": [{"id": "fault-model", "object": "model"}]})
        self.send_json(404, {"error": {"message": "no such path"}})

    def do_POST(self):
        mode = self.path.strip("/").split("/")[0]
        if mode != "chaos":
            return self.answer(mode)
        with chaos_slots:
            return self.answer(mode)

    def answer(self, mode):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            stats["requests"] += 1
            count = seen.get((mode, body), 0)
            seen[(mode, body)] = count + 1
            first = count == 0
        request = json.loads(body or b"{}")
        stream = request.get("stream", False)
        form = "grammar" if "grammar" in request else (request.get("response_format") or {}).get("type", "none")
        with lock:
            stats["formats"][mode] = form
            stats["tokenFields"][mode] = "max_completion_tokens" if "max_completion_tokens" in request else (
                "max_tokens" if "max_tokens" in request else "none")
        try:
            if mode in ("hang", "busy"):
                time.sleep(300)
                return
            if mode == "queued":
                time.sleep(3)
            if mode == "longqueue":
                time.sleep(6)
            if mode == "jsononly":
                stream = False
            if mode in ("nogrammar", "noschema") and form == "grammar":
                return self.send_json(400, {"error": {"message": "Unrecognized request argument supplied: grammar"}})
            if mode == "noschema" and form == "json_schema":
                return self.send_json(500, {"error": {"message": "1 validation error for CreateChatCompletionRequest\n"
                                                      "response_format.type\n  Input should be 'text' or 'json_object'"}})
            if mode == "newtokens" and "max_tokens" in request:
                return self.send_json(400, {"error": {
                    "message": "Unsupported parameter: 'max_tokens' is not supported with this model. "
                               "Use 'max_completion_tokens' instead.", "param": "max_tokens"}})
            if mode == "noformat" and form != "none":
                return self.send_json(400, {"error": {"message": "response_format is not supported by this server"}})
            if mode == "html501":
                page = b"<!DOCTYPE html>\n<html>\n<head><title>501 Not Implemented</title></head>\n<body>\n" \
                       b"<h1>Not Implemented</h1>\n<p>The server does not support this.</p>\n</body></html>\n"
                self.send_response(501)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                return self.wfile.write(page)
            if mode == "chaos":
                fault = random.Random(body + bytes([count % 256])).choice(
                    ["ok", "ok", "ok", "429", "500", "reset", "garbage", "stall", "slow"])
                with lock:
                    stats["faults"][fault] = stats["faults"].get(fault, 0) + 1
                if fault == "429":
                    return self.send_json(429, {"error": {"message": "rate limited"}}, [("Retry-After", "0")])
                if fault == "500":
                    return self.send_json(500, {"error": {"message": "temporary failure"}})
                if fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    return
                if fault == "garbage":
                    data = b"data: {not json\n\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    return self.wfile.write(data)
                if fault == "stall":
                    mode = "stall"
                if fault == "slow":
                    time.sleep(1)
            if mode == "retry429" and first:
                return self.send_json(429, {"error": {"message": "rate limited, slow down"}}, [("Retry-After", "1")])
            if mode == "flaky500" and first:
                return self.send_json(500, {"error": {"message": "temporary failure"}})
            if mode == "bad400":
                return self.send_json(400, {"error": {"message": "This model's maximum context length is 2048 tokens",
                                                      "type": "invalid_request_error"}})
            if mode == "garbage":
                data = b"<html>this is not json"
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return self.wfile.write(data)
            if mode == "huge":
                return self.send_json(200, completion("x" * 5_000_000))
            if not stream:
                return self.send_json(200, completion("Hello, 世界!"))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            write = lambda b: (self.wfile.write(b), self.wfile.flush())
            write(b"data: " + json.dumps(chunk({"role": "assistant"})).encode() + b"\n\n")
            if mode == "stall":
                write(b"data: " + json.dumps(chunk({"content": "Hel"})).encode() + b"\n\n")
                time.sleep(2 if "chaos" in self.path else 30)
                return
            if mode == "slow":
                for i in range(200):
                    write(b"data: " + json.dumps(chunk({"content": "tok%d " % i})).encode() + b"\n\n")
                    time.sleep(0.1)
            else:
                event = b"data: " + json.dumps(chunk({"content": "Hello, 世界!"}), ensure_ascii=False).encode() + b"\n\n"
                cut = event.index("世".encode()) + 1          # split inside the UTF-8 character
                write(event[:cut]); time.sleep(0.05); write(event[cut:])
                write(b": ping\n\n")
            write(b"data: " + json.dumps(chunk({}, "stop")).encode() + b"\n\n")
            write(b'data: {"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7}}\n\n')
            write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            with lock:
                stats["disconnects"] += 1


def main():
    # A parent's thread may have blocked these; the server must still stop when asked.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Timer(300, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
