// Drives the TypeScript (typescript-fetch) SDK generated from openapi/openapi.yaml against a running service.
// TypeScriptSdkIntegrationTests compiles it with tsc together with the generated sources and runs it with node:
//     node sdk_flow.js http://127.0.0.1:PORT
// It asserts what it can here and prints one JSON report (last line) for the JUnit test to check.
import {
    Configuration, ForwardApi, ResponseError, SessionsApi, UpdatesApi, VariablesApi,
    type FlatTensor, type ForwardResponse, type Problem, type Tensor,
} from "../../../target/generated-test-sources/sdk-typescript/src/index";

declare const process: { argv: string[]; exit(code: number): never };

const X: Tensor = [[1, 0], [2, 0], [3, 6]]; // SEMANTICS.md's base batch

function check(condition: boolean, what: string): void {
    if (!condition) {
        throw new Error("check failed: " + what);
    }
}

/** The problem+json body of a failed call, typed by the SDK. */
async function problemOf(call: () => Promise<unknown>): Promise<{ status: number; contentType: string | null; problem: Problem }> {
    try {
        await call();
    } catch (e) {
        if (e instanceof ResponseError) {
            return { status: e.response.status, contentType: e.response.headers.get("content-type"), problem: await e.response.json() as Problem };
        }
        throw e;
    }
    throw new Error("the call was expected to fail");
}

async function main(base: string): Promise<void> {
    const config = new Configuration({ basePath: base });
    const sessions = new SessionsApi(config);
    const forward = new ForwardApi(config);
    const updates = new UpdatesApi(config);
    const variables = new VariablesApi(config);
    const report: Record<string, unknown> = {};

    // the colab's default BatchNorm, with the HTTP answer at hand
    const created = await sessions.createSessionRaw({ createSessionRequest: { id: "ts-deferred" } });
    report.createdStatus = created.raw.status;
    report.etag = created.raw.headers.get("etag");
    report.defaultCollection = (await created.value()).spec.updateOpsCollection;

    const train: ForwardResponse = await forward.forward({ id: "ts-deferred", forwardRequest: { inputs: X, isTraining: true } });
    check(Array.isArray(train.outputs), "nested in, nested out");
    report.trainOutputs = train.outputs;
    report.normalizedWith = train.normalizedWith;
    report.batchMean = train.batchMean?.data;
    report.updateOps = train.updateOps.map(op => [op.id, op.variable]);

    const pending = await updates.listUpdates({ id: "ts-deferred" });
    report.pendingCount = pending.count;
    const applied = await updates.applyUpdates({ id: "ts-deferred", applyRequest: {} });
    report.applied = applied.applied;
    report.movingMean = applied.variables.movingMean.data;
    report.movingVariance = applied.variables.movingVariance.data;

    // test time with the moving averages, in the flat form: SEMANTICS.md E5 after E2
    const flat: FlatTensor = { shape: [3, 2], data: [1, 0, 2, 0, 3, 6] };
    const test = await forward.forward({ id: "ts-deferred", forwardRequest: { inputs: flat, isTraining: false, testLocalStats: false } });
    check(!Array.isArray(test.outputs), "flat in, flat out");
    report.testNormalizedWith = test.normalizedWith;
    report.testOutputs = (test.outputs as FlatTensor).data;

    // null and absent differ: null is Sonnet's update_ops_collection=None
    const inPlace = await sessions.createSession({ createSessionRequest: { id: "ts-in-place", updateOpsCollection: null } });
    report.inPlaceCollection = inPlace.spec.updateOpsCollection;
    const step = await forward.forward({ id: "ts-in-place", forwardRequest: { inputs: X, isTraining: true } });
    report.inPlaceApplied = step.updatesApplied;
    report.inPlaceMovingVariance = (await variables.getVariables({ id: "ts-in-place" })).variables.movingVariance.data;
    const absent = await sessions.createSession({ createSessionRequest: { id: "ts-absent" } });
    report.absentCollection = absent.spec.updateOpsCollection;

    // problem+json as the SDK's typed ResponseError
    const missing = await problemOf(() => forward.forward({ id: "ts-no-such-session", forwardRequest: { inputs: X, isTraining: true } }));
    report.notFound = { status: missing.status, contentType: missing.contentType, code: missing.problem.code, title: missing.problem.title };
    const badAxis = await problemOf(() => sessions.createSession({ createSessionRequest: { id: "ts-bad", axis: [0, 0] } }));
    report.invalidSpec = { status: badAxis.status, code: badAxis.problem.code, pointer: badAxis.problem.errors?.[0]?.pointer };

    console.log(JSON.stringify(report));
}

main(process.argv[2]).catch(e => {
    console.error(e);
    process.exit(1);
});
