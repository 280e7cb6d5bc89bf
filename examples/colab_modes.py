#!/usr/bin/env python3
"""The Sonnet BatchNorm colab's modes against a running batchnorm-service, with plain HTTP.

Standard library only. Usage:
    python3 examples/colab_modes.py [--base-url http://localhost:8080] [--steps 1000]

Like the colab, each mode trains on batches of 10 examples drawn from a 2-D Gaussian with mean 10
and standard deviations 1 and 2, then looks at the moving averages and at a test-time forward.
"""
import argparse
import json
import random
import urllib.error
import urllib.request
import uuid


class Service:
    def __init__(self, base_url):
        self.base = base_url.rstrip("/")

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                text = response.read()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            problem = json.loads(e.read())  # every error is application/problem+json with a stable code
            raise SystemExit(f"{method} {path}: {e.code} {problem['code']}: {problem['detail']}")

    def session(self, **spec):
        return self.call("POST", "/v1/sessions", spec)

    def forward(self, sid, inputs, **flags):
        return self.call("POST", f"/v1/sessions/{sid}/forward", {"inputs": inputs, **flags})

    def moving(self, sid):
        v = self.call("GET", f"/v1/sessions/{sid}/variables")["variables"]
        return v["movingMean"]["data"], v["movingVariance"]["data"]


def batches(steps, seed=2017):
    rnd = random.Random(seed)
    for _ in range(steps):
        yield [[rnd.gauss(10, 1), rnd.gauss(10, 2)] for _ in range(10)]


def fmt(values):
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


def train(bn, sid, steps, **flags):
    for x in batches(steps):
        bn.forward(sid, x, isTraining=True, **flags)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://localhost:8080")
    parser.add_argument("--steps", type=int, default=1000)
    args = parser.parse_args()
    bn, steps, run = Service(args.base_url), args.steps, uuid.uuid4().hex[:8]
    test_batch = next(batches(1, seed=7))
    created = []

    def new(name, **spec):
        sid = f"colab-{name}-{run}"
        bn.session(id=sid, **spec)
        created.append(sid)
        return sid

    print(f"1. snt.BatchNorm(): {steps} training steps; the update ops are created but not run")
    sid = new("default")
    train(bn, sid, steps)
    pending = bn.call("GET", f"/v1/sessions/{sid}/updates?pageSize=1")["count"]
    mean, var = bn.moving(sid)
    print(f"   pending update ops: {pending}; moving mean {fmt(mean)}, moving variance {fmt(var)} (untouched)")
    out = bn.forward(sid, test_batch, isTraining=False)
    print(f"   bn(x, is_training=False) normalizes with the {out['normalizedWith']} statistics (test_local_stats=True)")

    print("2. the same ops run later: sess.run(tf.get_collection(UPDATE_OPS)) over a collection")
    sid = new("later", updateOpsCollection=f"colab_{run}")
    train(bn, sid, steps)
    applied = bn.call("POST", f"/v1/updates/apply?collection=colab_{run}")
    mean, var = bn.moving(sid)
    print(f"   applied {applied['appliedCount']} ops; moving mean {fmt(mean)}, moving variance {fmt(var)}")

    print("3. snt.BatchNorm(update_ops_collection=None): the moving averages are updated in place")
    sid = new("in-place", updateOpsCollection=None)
    train(bn, sid, steps)
    mean, var = bn.moving(sid)
    print(f"   moving mean {fmt(mean)}, moving variance {fmt(var)}")
    print(f"   (after {steps} steps the mean has moved 1 - 0.999^{steps} = {1 - 0.999 ** steps:.1%} of the way to 10)")

    print("4. control dependencies: each training forward applies its own ops (applyUpdates)")
    sid = new("control-deps")
    train(bn, sid, steps, applyUpdates=True)
    mean2, var2 = bn.moving(sid)
    print(f"   moving mean {fmt(mean2)}, moving variance {fmt(var2)} (identical to mode 3: {mean2 == mean and var2 == var})")

    print("5. initializers and test_local_stats=False: normalize with given moving statistics")
    sid = new("init", initializers={"movingMean": [[10, 10]], "movingVariance": [[1, 4]]})
    out = bn.forward(sid, test_batch, isTraining=False, testLocalStats=False)
    column = lambda rows, c: [row[c] for row in rows]
    print(f"   normalized with the {out['normalizedWith']} statistics; outputs[:, 0] = {fmt(column(out['outputs'], 0)[:4])} ...")

    for sid in created:
        bn.call("DELETE", f"/v1/sessions/{sid}")
    print("done")


if __name__ == "__main__":
    main()
