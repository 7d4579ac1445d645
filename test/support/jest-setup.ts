// The handler logs one JSON line per action; tests that read them set the level themselves
// (MODEL_LOGS=DEBUG, say, lets a model replay print them: test/model/quiet.ts).
process.env.POWERTOOLS_LOG_LEVEL = process.env.MODEL_LOGS ?? 'SILENT';
// The SDK warns once per process that it will need Node.js 22 from 2027: not a test finding.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
