#!/usr/bin/env python3
"""Start time, memory and size of one Keyplane build, measured the same way for the JVM and native.

Usage: bench/footprint.py <jvm|native> [verifications, default 10000]   (run by bench/footprint)
Env:   NATIVE_ARGS (default -Xmx64m), JVM_ARGS (default -Xmx192m): the runtime options measured
The schema must already be migrated (the target is "ready with migrations applied"): the script starts the
application once to migrate, stops it, then measures a second start.
  - ready_ms: from exec to the first 200 of GET /q/health/ready (polled every millisecond)
  - rss_mib: VmRSS and VmHWM of the process after <verifications> POST /api/v1/keys/verify of a valid key
  - size_mib: the native executable, or the jar's quarkus-app directory
"""
import http.client
import json
import os
import subprocess
import sys
import time

PORT = 18182
MGMT = 18183  # the management interface: /q/health
ENV = dict(os.environ, QUARKUS_HTTP_PORT=str(PORT), QUARKUS_MANAGEMENT_PORT=str(MGMT), KEYPLANE_DB_NAME="keyplane_footprint",
           KEYPLANE_OPERATOR_TOKEN="footprint-operator-token-0123456789",
           KEYPLANE_PEPPER="footprint-pepper-footprint-pepper-0123456789",
           KEYPLANE_ENCRYPTION_KEY="Zm9vdHByaW50LWZvb3RwcmludC1rZXktMDEyMzQ1Njc=",
           KEYPLANE_AUDIT_KEY="footprint-audit-key-footprint-audit-key-0123")


def command(kind):
    if kind == "native":
        runner = [f for f in os.listdir("target") if f.endswith("-runner") and not f.endswith(".jar")]
        if not runner:
            sys.exit("no native executable in target/: ./mvnw package -Dnative -DskipTests")
        path = os.path.join("target", runner[0])
        return [path] + os.environ.get("NATIVE_ARGS", "-Xmx64m").split(), os.path.getsize(path)
    jar = "target/quarkus-app/quarkus-run.jar"
    if not os.path.exists(jar):
        sys.exit("no jar: ./mvnw package -DskipTests")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk("target/quarkus-app") for f in fs)
    return ["java"] + os.environ.get("JVM_ARGS", "-Xmx192m").split() + ["-jar", jar], size


def ready():
    try:
        c = http.client.HTTPConnection("127.0.0.1", MGMT, timeout=1)
        c.request("GET", "/q/health/ready")
        return c.getresponse().status == 200
    except OSError:
        return False


def start(cmd):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not ready():
        if proc.poll() is not None or time.perf_counter() - t0 > 60:
            sys.exit(f"{cmd[0]} did not become ready")
        time.sleep(0.001)
    return proc, (time.perf_counter() - t0) * 1000


def stop(proc):
    proc.terminate()
    proc.wait(timeout=30)


def call(conn, method, path, token, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def verifications(count):
    conn = http.client.HTTPConnection("127.0.0.1", PORT)
    _, created = call(conn, "POST", "/api/v1/workspaces", ENV["KEYPLANE_OPERATOR_TOKEN"], {"name": "footprint"})
    owner = created["bootstrap"]["key"]
    ws = created["id"]
    _, verifier = call(conn, "POST", f"/api/v1/workspaces/{ws}/api-keys", owner,
                       {"name": "gateway", "kind": "service", "scopes": ["keys:verify"]})
    _, app = call(conn, "POST", f"/api/v1/workspaces/{ws}/api-keys", owner, {"name": "app"})
    for _ in range(count):
        status, result = call(conn, "POST", "/api/v1/keys/verify", verifier["key"], {"key": app["key"]})
        if status != 200 or result["code"] != "VALID":
            sys.exit(f"verification failed: {status} {result}")


def memory(pid):
    """RSS and peak RSS, and how much of the RSS is private memory (anon) or pages of mapped files (the
    executable's code and image heap: clean, shared through the page cache, reclaimable)."""
    fields = {}
    for name in (f"/proc/{pid}/status", f"/proc/{pid}/smaps_rollup"):
        with open(name) as f:
            fields.update(line.split(":", 1) for line in f if ":" in line)
    return {k: round(int(fields[k].split()[0]) / 1024, 1) for k in ("VmRSS", "VmHWM", "Pss_Anon", "Pss_File")}


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "native"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    cmd, size = command(kind)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "drop database if exists keyplane_footprint"],
                   check=True, stdout=subprocess.DEVNULL)
    proc, first_ms = start(cmd)          # creates the database and migrates
    stop(proc)
    starts = []
    for _ in range(5):                   # ready time of a start with migrations already applied
        proc, ms = start(cmd)
        starts.append(ms)
        stop(proc)
    proc, _ = start(cmd)
    t0 = time.perf_counter()
    verifications(count)
    elapsed = time.perf_counter() - t0
    mem = memory(proc.pid)
    stop(proc)
    starts.sort()
    print(json.dumps({"kind": kind, "command": " ".join(cmd), "size_mib": round(size / 2**20, 1),
                      "first_start_with_migration_ms": round(first_ms), "ready_ms_median": round(starts[2]),
                      "ready_ms_min": round(starts[0]), "ready_ms_max": round(starts[-1]),
                      "verifications": count, "verifications_seconds": round(elapsed, 1),
                      "rss_mib_after": mem["VmRSS"], "peak_rss_mib": mem["VmHWM"],
                      "of_which_anon_mib": mem["Pss_Anon"], "of_which_file_mib": mem["Pss_File"]}, indent=2))


if __name__ == "__main__":
    main()
