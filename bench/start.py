#!/usr/bin/env python3
"""Starts a server in the background and measures it; used by bench/run.

  bench/start.py start READY_URL LOG CMD...   starts CMD (its output to LOG), polls READY_URL every millisecond,
                                              prints "PID MS" (exec to the first 200), leaves it running
  bench/start.py verify URL FILE COUNT        COUNT verifications, one at a time, round-robin over FILE's
                                              "verifier key" lines; exits non-zero on any answer but VALID
  bench/start.py rss PID                      the process's resident memory in MiB
"""
import http.client
import json
import subprocess
import sys
import time
from urllib.parse import urlparse


def ready(url):
    try:
        u = urlparse(url)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=1)
        c.request("GET", u.path)
        return c.getresponse().status == 200
    except OSError:
        return False


def start(url, log, cmd):
    t0 = time.perf_counter()
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    while not ready(url):
        if proc.poll() is not None or time.perf_counter() - t0 > 90:
            sys.exit(f"{cmd[0]} did not become ready: see {log}")
        time.sleep(0.001)
    print(proc.pid, round((time.perf_counter() - t0) * 1000))


def verify(url, file, count):
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    with open(file) as f:
        pairs = [line.split() for line in f if line.strip()]
    for i in range(count):
        verifier, key = pairs[i % len(pairs)]
        conn.request("POST", "/api/v1/keys/verify", body=json.dumps({"key": key, "scopes": ["bench:read"],
                                                                     "source_ip": "203.0.113.7"}),
                     headers={"Authorization": f"Bearer {verifier}", "Content-Type": "application/json"})
        response = conn.getresponse()
        body = json.loads(response.read())
        if response.status != 200 or body.get("code") != "VALID":
            sys.exit(f"verification {i} answered {response.status} {body.get('code')}, not VALID")


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                print(round(int(line.split()[1]) / 1024, 1))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "start":
        start(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif what == "verify":
        verify(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        rss(int(sys.argv[2]))
