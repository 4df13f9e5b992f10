#!/usr/bin/python3
"""Opens a page in headless Chromium (Debian's `chromium`) and reports what a
person would see, as JSON on stdout: console errors and failed loads, whether
the page scrolls sideways, counts of charts and highlights, and a screenshot.

Usage: cdp_check.py URL --width W --height H [--mobile] [--auth USER:PASS]
                    [--screenshot FILE]

Speaks the DevTools protocol over a WebSocket with the standard library
only: one browser, one tab, then both are closed.
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time


class WebSocket:
    """The client side of RFC 6455, enough for DevTools: text frames."""

    def __init__(self, url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        self.sock = socket.create_connection((m.group(1), int(m.group(2))), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {m.group(3)} HTTP/1.1\r\nHost: {m.group(1)}:{m.group(2)}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("no WebSocket upgrade: %r" % head)
        self.buffer = b""

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(data)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            message += payload
            if b0 & 0x80:
                return message.decode()


class Tab:
    def __init__(self, ws, session):
        self.ws, self.session, self.next_id, self.events = ws, session, 0, []

    def call(self, method, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            msg = json.loads(self.ws.receive())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(json.loads(self.ws.receive()))
        raise RuntimeError("timed out waiting for " + method)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--mobile", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--screenshot")
    args = ap.parse_args()

    profile = tempfile.mkdtemp(prefix="cdp_")
    browser = subprocess.Popen(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--remote-debugging-port=0", "--remote-allow-origins=*",
         "--user-data-dir=" + profile, "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ws_url = None
        end = time.time() + 60
        while time.time() < end and ws_url is None:
            line = browser.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
        if ws_url is None:
            raise RuntimeError("chromium did not start")
        ws = WebSocket(ws_url)
        root = Tab(ws, None)
        target = root.call("Target.createTarget", url="about:blank")["targetId"]
        session = root.call("Target.attachToTarget", targetId=target,
                            flatten=True)["sessionId"]
        tab = Tab(ws, session)
        tab.events = root.events
        for domain in ("Page", "Runtime", "Log", "Network"):
            tab.call(domain + ".enable")
        if args.auth:
            tab.call("Network.setExtraHTTPHeaders", headers={
                "Authorization": "Basic " + base64.b64encode(args.auth.encode()).decode()})
        tab.call("Emulation.setDeviceMetricsOverride", width=args.width,
                 height=args.height, deviceScaleFactor=1, mobile=args.mobile)
        tab.call("Page.navigate", url=args.url)
        tab.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # late console messages
        facts = json.loads(tab.call("Runtime.evaluate", returnByValue=True, expression="""
            JSON.stringify({
              title: document.title,
              scroll_width: document.documentElement.scrollWidth,
              client_width: document.documentElement.clientWidth,
              svgs: document.querySelectorAll('svg').length,
              polylines: document.querySelectorAll('svg polyline').length,
              marks: [...document.querySelectorAll('mark')].map(m => m.textContent),
              rows: document.querySelectorAll('tbody tr').length,
              stylesheets: document.styleSheets.length,
              css_applied: getComputedStyle(document.body).maxWidth
            })""")["result"]["value"])
        if args.screenshot:
            shot = tab.call("Page.captureScreenshot", format="png",
                            captureBeyondViewport=True)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        problems = []
        for e in tab.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                problems.append("console: " + json.dumps(p.get("args")))
            elif m == "Runtime.exceptionThrown":
                problems.append("exception: " + json.dumps(p.get("exceptionDetails")))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                problems.append("log: " + p["entry"].get("text", ""))
            elif m == "Network.loadingFailed":
                problems.append("failed load: " + p.get("errorText", ""))
            elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
                problems.append("HTTP %d: %s" % (p["response"]["status"], p["response"]["url"]))
            elif m == "Network.requestWillBeSent":
                facts.setdefault("requests", []).append(p["request"]["url"])
        facts["problems"] = problems
        print(json.dumps(facts))
    finally:
        browser.kill()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
