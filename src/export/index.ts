/**
 * mlkan export entry (`mlkan/export`): trained models as ONNX files. Kept apart from the core entry
 * because it uses a runtime package (protobufjs); it imports no `node:` module, so it runs in browsers.
 */
export * from "./onnx.js";
/** The ONNX versions written, and a decoder of written files (for inspection and tests). */
export { decodeModel, ONNX_IR_VERSION, ONNX_OPSET } from "./onnx-proto.js";
/** The B-spline coefficients a spline layer evaluates (power-ReLU weights converted; base scales applied). */
export { splineCoefficients } from "./onnx-spline.js";
