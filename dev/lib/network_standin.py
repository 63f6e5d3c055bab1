#!/usr/bin/python3
"""A STAND-IN for Neutron, the network service: NOT Neutron, and no network at all.

Nova asks the network service for a server's ports even when the server has none
(`openstack server create --nic none`): `GET /v2.0/ports?device_id=...` on every server GET,
extensions and security groups now and then. Neutron itself is out of reach on these
mini-clouds, so this answers every `GET /v2.0/<collection>` with an empty collection,
`{"<collection>": []}`, `GET /` with a version document, and anything else with 404 in
Neutron's error format. It checks no token and keeps no state. It is registered in each cloud's
Keystone as service type `network`, so requests reach it through the cloud's oscope proxy like
any other service.

    network_standin.py --listen 127.0.0.1:15696 --log FILE [--prefix /network]

With --prefix it also answers under that path prefix (the frontend topology's catalogue URL).

The log has one line per request: method, path without the query, status. Never a header.
"""

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "oscope-network-standin"
    log_file = None
    prefix = ""

    def _reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        if "://" in path:  # absolute form, from a client that treats us as a proxy
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            path = path[len(self.prefix):] or "/"
        parts = [p for p in path.split("/") if p]
        if self.command in ("GET", "HEAD") and not parts:
            host = self.headers.get("Host", "localhost")
            self._reply(200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [
                {"href": f"http://{host}/v2.0/", "rel": "self"}]}]})
        elif self.command in ("GET", "HEAD") and len(parts) == 2 and parts[0] == "v2.0":
            collection = parts[1].removesuffix(".json")
            self._reply(200, {collection: []})
        else:
            self._reply(404, {"NeutronError": {
                "type": "HTTPNotFound", "detail": "",
                "message": f"{self.command} {path}: the network stand-in of dev/clouds only "
                           "lists empty collections (GET /v2.0/<collection>)"}})

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

    def log_request(self, code="-", size="-"):
        path = self.path.split("?", 1)[0]
        if self.log_file:
            self.log_file.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {self.command} {path} {code}\n")
            self.log_file.flush()

    def log_message(self, fmt, *args):  # errors only; request lines go through log_request
        sys.stderr.write("network stand-in: " + (fmt % args) + "\n")


def main():
    p = argparse.ArgumentParser(prog="network_standin.py")
    p.add_argument("--listen", required=True, help="HOST:PORT")
    p.add_argument("--log", required=True, help="request log file")
    p.add_argument("--prefix", default="", help="also answer under this path prefix")
    args = p.parse_args()
    Handler.prefix = "/" + args.prefix.strip("/") if args.prefix.strip("/") else ""
    host, port = args.listen.rsplit(":", 1)
    Handler.log_file = open(args.log, "a", encoding="utf-8")
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
