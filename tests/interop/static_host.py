"""A plain static host over a folder, as GitHub Pages serves one: each file as
it is, an address without an extension as its `.html` file (GitHub Pages
does that too), an HTML 404 page for anything else, and the query string
never reaching a file.
Python's standard library only.

Usage: python static_host.py DIR; prints the port it listens on, then serves
until killed."""

import functools
import os
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        "": "text/html",
        ".js": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def translate_path(self, path):
        found = super().translate_path(path)
        if not os.path.exists(found) and os.path.isfile(found + ".html"):
            return found + ".html"
        return found

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1])
)
print(server.server_address[1], flush=True)
server.serve_forever()
