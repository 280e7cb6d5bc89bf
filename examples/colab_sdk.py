#!/usr/bin/env python3
"""The Sonnet BatchNorm colab's modes through the Python SDK generated from openapi/openapi.yaml.

Generate the SDK (with the Java and TypeScript ones) and run this against a running service:
    ./mvnw generate-test-sources
    PYTHONPATH=target/generated-test-sources/sdk-python python3 examples/colab_sdk.py [--base-url http://localhost:8080]
The SDK needs pydantic >= 2, urllib3 >= 2.1, python-dateutil and typing-extensions.
"""
import argparse
import random
import uuid

import batchnorm_sdk
from batchnorm_sdk import ApplyRequest, CreateSessionRequest, ForwardRequest, Initializer, Initializers, Tensor
from batchnorm_sdk.exceptions import NotFoundException


def batches(steps, seed=2017):
    rnd = random.Random(seed)
    for _ in range(steps):
        yield [[rnd.gauss(10, 1), rnd.gauss(10, 2)] for _ in range(10)]


def fmt(values):
    return "[" + ", ".join(f"{v:.4f}" for v in values) + "]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://localhost:8080")
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    client = batchnorm_sdk.ApiClient(batchnorm_sdk.Configuration(host=args.base_url))
    sessions = batchnorm_sdk.SessionsApi(client)
    forward = batchnorm_sdk.ForwardApi(client)
    updates = batchnorm_sdk.UpdatesApi(client)
    variables = batchnorm_sdk.VariablesApi(client)
    run = uuid.uuid4().hex[:8]
    test_batch = Tensor(next(batches(1, seed=7)))

    def train(sid, **flags):
        for x in batches(args.steps):
            forward.forward(sid, ForwardRequest(inputs=Tensor(x), is_training=True, **flags))

    def moving(sid):
        v = variables.get_variables(sid).variables
        return fmt(v.moving_mean.data), fmt(v.moving_variance.data)

    print("1. snt.BatchNorm(): training leaves the update ops pending; sess.run(update_ops) applies them")
    sid = f"sdk-default-{run}"
    sessions.create_session(CreateSessionRequest(id=sid))  # updateOpsCollection absent: "update_ops"
    train(sid)
    print(f"   pending: {updates.list_updates(sid, page_size=1).count} ops; moving mean, variance: {moving(sid)}")
    print(f"   applied {len(updates.apply_updates(sid, ApplyRequest()).applied)} ops; moving mean, variance: {moving(sid)}")
    out = forward.forward(sid, ForwardRequest(inputs=test_batch, is_training=False, test_local_stats=False))
    print(f"   test time normalizes with the {out.normalized_with} averages")

    print("2. update_ops_collection=None: an explicit null updates the moving averages in place")
    sid2 = f"sdk-in-place-{run}"
    spec = sessions.create_session(CreateSessionRequest(id=sid2, update_ops_collection=None)).spec
    print(f"   updateOpsCollection in the effective spec: {spec.update_ops_collection!r}")
    train(sid2)
    print(f"   moving mean, variance: {moving(sid2)}")

    print("3. control dependencies: applyUpdates=True applies each forward's ops with it")
    sid3 = f"sdk-control-deps-{run}"
    sessions.create_session(CreateSessionRequest(id=sid3))
    train(sid3, apply_updates=True)
    print(f"   moving mean, variance: {moving(sid3)} (as in mode 2)")

    print("4. initializers and test_local_stats=False")
    sid4 = f"sdk-init-{run}"
    init = Initializers(moving_mean=Initializer([[10, 10]]), moving_variance=Initializer([[1, 4]]))
    sessions.create_session(CreateSessionRequest(id=sid4, initializers=init))
    out = forward.forward(sid4, ForwardRequest(inputs=test_batch, is_training=False, test_local_stats=False))
    print(f"   outputs[0] = {fmt(out.outputs.actual_instance[0])}")

    print("5. errors are typed: problem+json becomes an exception carrying the Problem")
    try:
        forward.forward(f"no-such-session-{run}", ForwardRequest(inputs=test_batch, is_training=True))
    except NotFoundException as e:
        print(f"   {type(e).__name__}: status {e.status}, code {e.data.code}: {e.data.detail}")

    for s in (sid, sid2, sid3, sid4):
        sessions.delete_session(s)
    print("done")


if __name__ == "__main__":
    main()
