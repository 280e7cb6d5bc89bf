#!/usr/bin/env python3
"""Request bodies for bench/load.sh, written into the folder given as the only argument.

small.json / small.npy: a colab-style 10x2 batch (the one redis-vs-memory.sh sends).
large.json / large.npy: a 1024x64 float32 batch, Gaussian (mean 10, sd 2, seed 1); in JSON each
value is the shortest decimal that reads back as the same float32, as NumPy would print it.
No NumPy needed: .npy version 1.0 is written by hand (little-endian float32, C order).
"""
import json, random, struct, sys, os

def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]

def shortest(x):
    for p in range(1, 10):
        s = '%.*g' % (p, x)
        if f32(float(s)) == x:
            return s
    return repr(x)

def npy(rows):
    shape = (len(rows), len(rows[0]))
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % shape
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + ' ' * pad + '\n'
    data = b''.join(struct.pack('<%df' % len(r), *r) for r in rows)
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode('latin1') + data

def forward_json(rows):
    inner = ', '.join('[' + ', '.join(shortest(v) for v in r) + ']' for r in rows)
    return '{"inputs": [' + inner + '], "isTraining": true}'

def main(out):
    small = [[9.8, 11.2], [10.4, 8.1], [9.1, 10.7], [10.9, 9.6], [10.2, 10.3],
             [9.5, 11.8], [10.7, 9.2], [9.9, 10.1], [10.1, 8.8], [9.6, 10.5]]
    small = [[f32(v) for v in r] for r in small]
    rnd = random.Random(1)
    large = [[f32(rnd.gauss(10, 2)) for _ in range(64)] for _ in range(1024)]
    for name, rows in (('small', small), ('large', large)):
        body = forward_json(rows)
        json.loads(body)  # well-formed
        with open(os.path.join(out, name + '.json'), 'w') as f:
            f.write(body)
        with open(os.path.join(out, name + '.npy'), 'wb') as f:
            f.write(npy(rows))

if __name__ == '__main__':
    main(sys.argv[1])
