#!/usr/bin/env bash
# Prints a free TCP port on 127.0.0.1 whose next eight ports are free as well (a config's teacher
# and fine-tuned student sit beside the student's port), so a test never binds a port another
# program holds, nor talks to that program's server.
exec python3 - <<'PY'
import random, socket
for _ in range(500):
    base, held = random.randint(20000, 60000), []
    try:
        for port in range(base, base + 9):
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            held.append(s)
    except OSError:
        continue
    finally:
        for s in held:
            s.close()
    print(base)
    break
else:
    raise SystemExit("free-ports: no nine consecutive free ports found")
PY
