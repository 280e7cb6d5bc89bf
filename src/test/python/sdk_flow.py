"""Drives the Python SDK generated from openapi/openapi.yaml against a running service.

Run by PythonSdkIntegrationTests with PYTHONPATH pointing at the generated package:
    python3 src/test/python/sdk_flow.py http://127.0.0.1:PORT
It asserts what it can here and prints one JSON report (last line) for the JUnit test to check.
"""
import json
import sys

import batchnorm_sdk
from batchnorm_sdk import (ApplyRequest, CreateSessionRequest, FlatTensor, ForwardRequest, Initializer, Initializers,
                           Tensor)
from batchnorm_sdk.exceptions import ApiException, ConflictException, NotFoundException

X = [[1, 0], [2, 0], [3, 6]]  # SEMANTICS.md's base batch
E1 = [[-1.2238274, -0.70706254], [0.0, -0.70706254], [1.2238274, 1.4141252]]


def main(base):
    client = batchnorm_sdk.ApiClient(batchnorm_sdk.Configuration(host=base))
    sessions = batchnorm_sdk.SessionsApi(client)
    forward = batchnorm_sdk.ForwardApi(client)
    updates = batchnorm_sdk.UpdatesApi(client)
    variables = batchnorm_sdk.VariablesApi(client)
    report = {}

    # the colab's default BatchNorm: the update ops stay pending in "update_ops"
    created = sessions.create_session_with_http_info(CreateSessionRequest(id="py-deferred"))
    assert created.status_code == 201, created.status_code
    report["location"] = created.headers["Location"]
    report["defaultCollection"] = created.data.spec.update_ops_collection

    train = forward.forward("py-deferred", ForwardRequest(inputs=Tensor(X), is_training=True))
    report["trainOutputs"] = train.outputs.actual_instance
    report["normalizedWith"] = train.normalized_with
    report["batchVariance"] = train.batch_variance.data
    report["updateOps"] = [[op.id, op.variable] for op in train.update_ops]

    pending = updates.list_updates("py-deferred")
    report["pendingCount"] = pending.count
    report["pendingValue"] = pending.updates[1].value.data  # the movingVariance op: the batch variance

    applied = updates.apply_updates("py-deferred", ApplyRequest())
    report["applied"] = applied.applied
    report["movingMean"] = applied.variables.moving_mean.data
    report["movingVariance"] = applied.variables.moving_variance.data

    # test time with the moving averages, in the flat form: SEMANTICS.md E5 after E2
    flat = Tensor(FlatTensor(shape=[3, 2], data=[1, 0, 2, 0, 3, 6]))
    test = forward.forward("py-deferred", ForwardRequest(inputs=flat, is_training=False, test_local_stats=False))
    assert isinstance(test.outputs.actual_instance, FlatTensor)
    report["testNormalizedWith"] = test.normalized_with
    report["testOutputs"] = test.outputs.actual_instance.data

    # an explicit null: Sonnet's update_ops_collection=None, updates in place
    in_place = sessions.create_session(CreateSessionRequest(id="py-in-place", update_ops_collection=None))
    report["inPlaceCollection"] = in_place.spec.update_ops_collection
    step = forward.forward("py-in-place", ForwardRequest(inputs=Tensor(X), is_training=True))
    report["inPlaceApplied"] = step.updates_applied
    report["inPlaceMovingMean"] = variables.get_variables("py-in-place").variables.moving_mean.data

    # the colab's initializers, read back from the effective spec
    init = Initializers(moving_mean=Initializer([[10, 10]]), moving_variance=Initializer([[1, 4]]))
    spec = sessions.create_session(CreateSessionRequest(id="py-init", initializers=init)).spec
    report["initMovingVariance"] = spec.initializers.moving_variance.actual_instance.data
    report["initBeta"] = spec.initializers.beta.actual_instance

    # rank 4 (NHWC) travels as a NestedTensor: nested in, nested out
    sessions.create_session(CreateSessionRequest(id="py-nhwc"))
    nhwc = forward.forward("py-nhwc", ForwardRequest(inputs=Tensor([[[[1, 0]]], [[[3, 6]]]]), is_training=True))
    report["nhwcOutputs"] = nhwc.outputs.actual_instance
    report["nhwcStatsShape"] = nhwc.batch_mean.shape

    # problem+json as the SDK's typed exceptions, with the problem parsed into the Problem model
    try:
        forward.forward("py-no-such-session", ForwardRequest(inputs=Tensor(X), is_training=True))
        raise AssertionError("a forward on a missing session must fail")
    except NotFoundException as e:
        report["notFound"] = {"exception": type(e).__name__, "status": e.status, "code": e.data.code,
                              "problemType": type(e.data).__name__, "title": e.data.title}
    try:
        forward.forward("py-deferred", ForwardRequest(inputs=Tensor([[1, 2], [3]]), is_training=True))
        raise AssertionError("a ragged batch must fail")
    except ApiException as e:
        report["ragged"] = {"exception": type(e).__name__, "status": e.status, "code": e.data.code,
                            "pointer": e.data.errors[0].pointer}
    updates.discard_updates("py-deferred")  # nothing pending: discards none
    forward.forward("py-deferred", ForwardRequest(inputs=Tensor(X), is_training=True))
    discarded = updates.discard_updates("py-deferred", ids=[3])
    report["discarded"] = discarded.discarded
    try:
        updates.apply_updates("py-deferred", ApplyRequest(ids=[3, 4]))
        raise AssertionError("a discarded op must not apply")
    except ConflictException as e:
        report["discardedApply"] = {"exception": type(e).__name__, "status": e.status, "code": e.data.code, "ids": e.data.ids}

    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
