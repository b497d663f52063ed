#!/usr/bin/env python3
# bench/load.py: helpers for bench/memory.sh (Python's standard library only).
#
#   load.py sink PORTFILE          a Kannel sendsms stand-in on 127.0.0.1:
#                                  answers every GET "202 0: Accepted"; writes
#                                  its port to PORTFILE, runs until killed
#   load.py mo HOST:PORT N SET     N incoming SMS through tinbao's /kannel/mo
#                                  (the path Kannel's get-url takes), texts
#                                  cycled from SET (jsonl), each from its own
#                                  number and with its own Kannel id; 4
#                                  keep-alive connections; prints "n s"
import http.client, http.server, json, socketserver, sys, threading, time
import urllib.parse

def sink(portfile):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            body = b"0: Accepted for delivery"
            self.send_response(202)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *a):
            pass
    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
    s = S(("127.0.0.1", 0), H)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(s.server_address[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    s.serve_forever()

def mo(addr, n, path):
    texts = [json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()]
    host, port = addr.rsplit(":", 1)
    errors = [0]
    def worker(k, step):
        c = http.client.HTTPConnection(host, int(port), timeout=60)
        i = k
        while i < n:
            q = urllib.parse.urlencode({
                "from": "+849%08d" % (10000000 + i), "to": "9999",
                "text": texts[i % len(texts)], "coding": "0",
                "charset": "UTF-8", "smsc": "bench",
                "id": "bench-%d" % i, "ts": str(int(time.time())),
                "udh": "", "dcs": "00"})
            try:
                c.request("GET", "/kannel/mo?" + q)
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    errors[0] += 1
                    time.sleep(0.05)
                    continue	# Kannel would retry: so do we
            except (OSError, http.client.HTTPException):
                c.close()
                c = http.client.HTTPConnection(host, int(port), timeout=60)
                errors[0] += 1
                continue
            i += step
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k, 4)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(n, "%.1f" % (time.monotonic() - t0), errors[0])

if __name__ == "__main__":
    if sys.argv[1] == "sink":
        sink(sys.argv[2])
    else:
        mo(sys.argv[2], int(sys.argv[3]), sys.argv[4])
