#!/usr/bin/env python3
"""Seeds correctly hashed API keys straight into PostgreSQL with COPY, far faster than the API.

Usage: bench/seed.py DATABASE PEPPER COUNT KEYS_FILE WORKSPACE:ACCOUNT [WORKSPACE:ACCOUNT ...]

Each key is what Keyplane itself would issue (credential.KeyFormat: kp_live_, 43 base62 characters of 32 random
bytes, 6 base62 characters of the CRC32 of what precedes them) and is stored as KeyHasher stores it
(HMAC-SHA-256 with the pepper, version 1), with the scope bench:read, spread evenly over the given workspaces and
their owner accounts. The plain keys go to KEYS_FILE, one per line, for the load generator.
"""
import hashlib
import hmac
import io
import os
import subprocess
import sys
import uuid
import zlib
from datetime import datetime, timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, rest = divmod(value, 62)
        chars.append(ALPHABET[rest])
    return "".join(reversed(chars))


def new_key() -> str:
    body = "kp_live_" + base62(int.from_bytes(os.urandom(32), "big"), 43)
    return body + base62(zlib.crc32(body.encode("ascii")), 6)


def main() -> None:
    database, pepper, count, keys_file = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4]
    owners = [pair.split(":") for pair in sys.argv[5:]]
    now = datetime.now(timezone.utc).isoformat()
    rows = io.StringIO()
    with open(keys_file, "w") as keys:
        for i in range(count):
            workspace, account = owners[i % len(owners)]
            key = new_key()
            digest = hmac.new(pepper, key.encode("ascii"), hashlib.sha256).hexdigest()
            keys.write(key + "\n")
            rows.write("\t".join([str(uuid.uuid4()), workspace, account, f"seeded-{i}", "api", key[:12],
                                  "\\\\x" + digest, "1", "active", "{bench:read}", "operator", now, now]) + "\n")
    copy = ("copy api_key (id, workspace_id, service_account_id, name, kind, key_prefix, key_hash, pepper_version, "
            "status, scopes, created_by, created_at, updated_at) from stdin")
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qv", "ON_ERROR_STOP=1",
                    "-c", copy], input=rows.getvalue(), text=True, check=True)


if __name__ == "__main__":
    main()
