/**
 * The ONNX protobuf schema, the subset an exported model uses, as a protobufjs JSON descriptor, and its
 * encoder. Field numbers and types are those of onnx/onnx.proto (IR version 8, opset 17); messages and
 * fields the exporter never writes are left out, which protobuf allows (readers see them as absent).
 * Written with protobufjs (its reflection-only "light" build: no .proto parser, no code generation).
 */
import protobuf from "protobufjs/light.js";

/** ONNX IR version written (IR_VERSION_2021_7_30 = 8: the IR of opset 16 and 17). */
export const ONNX_IR_VERSION = 8;

/** Default-domain operator set version written. */
export const ONNX_OPSET = 17;

/** TensorProto.DataType codes used by the exporter. */
export const DataType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType codes used by the exporter. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** A tensor as written: dims, element type and its little-endian bytes (`raw_data`). */
export interface TensorMessage {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** A node attribute (one of the value fields set, as `type` says). */
export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
}

/** A graph node: operator, inputs, outputs (value names), attributes. */
export interface NodeMessage {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}

/** A graph input or output: name, element type and shape (a number, or a symbolic name for a free size). */
export interface ValueInfoMessage {
  name: string;
  elemType: number;
  shape: (number | string)[];
  docString?: string;
}

/** A whole model: the graph with its producer and metadata. */
export interface ModelMessage {
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: NodeMessage[];
  initializers: TensorMessage[];
  inputs: ValueInfoMessage[];
  outputs: ValueInfoMessage[];
  metadata: Record<string, string>;
}

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            ints: { rule: "repeated", type: "int64", id: 8, options: { packed: false } },
            type: { type: "int32", id: 20 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            domain: { type: "string", id: 7 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: "string", id: 1 },
            value: { type: "string", id: 2 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1, options: { packed: false } },
            dataType: { type: "int32", id: 2 },
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: "repeated", type: "Dimension", id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: {
            tensorType: { type: "Tensor", id: 1 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
      },
    },
  },
};

let modelType: protobuf.Type | null = null;

/** The ModelProto message type (built once from the descriptor). */
export function modelProtoType(): protobuf.Type {
  if (modelType === null) modelType = protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");
  return modelType;
}

function valueInfo(v: ValueInfoMessage): Record<string, unknown> {
  const info: Record<string, unknown> = {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
  if (v.docString) info.docString = v.docString;
  return info;
}

/** Serialises a model to the bytes of an .onnx file (a ModelProto). */
export function encodeModel(m: ModelMessage): Uint8Array {
  const T = modelProtoType();
  const payload = {
    irVersion: ONNX_IR_VERSION,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    docString: m.docString,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    metadataProps: Object.entries(m.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: m.graphName,
      node: m.nodes,
      initializer: m.initializers,
      input: m.inputs.map(valueInfo),
      output: m.outputs.map(valueInfo),
    },
  };
  const err = T.verify(payload);
  if (err) throw new Error(`ONNX export built an invalid ModelProto: ${err}`);
  return T.encode(T.fromObject(payload)).finish();
}

/** Decodes .onnx bytes back into a plain object (field names as above; used by tests and inspection). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const T = modelProtoType();
  return T.toObject(T.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<
    string,
    unknown
  >;
}
