"""Datagrams in charon's namespace for the strongSwan interop test.
listen ADDR PORT IDLE_S MAX_S: count datagrams until IDLE_S without one (after the first) or MAX_S; print JSON.
send SRC DST PORT COUNT SIZE EVERY BIGSIZE RATE: send COUNT datagrams (every EVERY-th of BIGSIZE bytes), RATE a second."""
import json, socket, sys, time

mode = sys.argv[1]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
if mode == 'listen':
    addr, port, idle, limit = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    print(json.dumps({'ready': True}), flush=True)
    count, total, sizes, seqs, start, last = 0, 0, {}, set(), time.time(), None
    while True:
        s.settimeout(idle if last is not None else max(0.1, limit - (time.time() - start)))
        try:
            d, a = s.recvfrom(65536)
        except socket.timeout:
            break
        count += 1
        total += len(d)
        sizes[len(d)] = sizes.get(len(d), 0) + 1
        last = time.time()
        if time.time() - start > limit:
            break
    print(json.dumps({'count': count, 'bytes': total, 'sizes': sizes, 'from': a[0] if count else None}), flush=True)
else:
    src, dst, port, count, size, every, big, rate = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9])
    s.bind((src, 0))
    small, large = bytearray(size), bytes(big)
    start = time.time()
    for i in range(count):
        if not (every and i % every == every - 1):
            small[0:4] = i.to_bytes(4, 'big')
        while True:
            try:
                s.sendto(large if every and i % every == every - 1 else small, (dst, port))
                break
            except OSError:  # ENOBUFS: the TUN device's queue is full; wait for charon to read it
                time.sleep(0.001)
        ahead = (i + 1) / rate - (time.time() - start)
        if ahead > 0.002:
            time.sleep(ahead)
    print(json.dumps({'sent': count, 'seconds': round(time.time() - start, 2)}), flush=True)
