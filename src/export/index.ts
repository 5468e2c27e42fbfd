/**
 * mlkan export entry (`mlkan/export`): trained models as ONNX files. Kept apart from the core entry
 * because it uses a runtime package (protobufjs); it imports no `node:` module, so it runs in browsers.
 */
export * from "./onnx.js";
export { decodeModel, ONNX_IR_VERSION, ONNX_OPSET } from "./onnx-proto.js";
export { splineCoefficients } from "./onnx-spline.js";
