"""Server reflection under both names: grpcurl and newer tools ask `grpc.reflection.v1`, older
ones `v1alpha`. The installed grpcio-reflection ships only v1alpha; v1 has the same messages and
field numbers under another package, so the same servicer answers both."""
from __future__ import annotations

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection
from grpc_reflection.v1alpha import reflection_pb2 as alpha

V1 = "grpc.reflection.v1.ServerReflection"
_V1_FILE = "grpc/reflection/v1/reflection.proto"


def _register_v1_descriptor() -> None:
    """Put the v1 file (v1alpha's, renamed) in the default pool so that v1 can be described."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_V1_FILE)
        return
    except KeyError:
        pass
    file = descriptor_pb2.FileDescriptorProto.FromString(alpha.DESCRIPTOR.serialized_pb)
    file.name, file.package = _V1_FILE, "grpc.reflection.v1"
    prefix = ".grpc.reflection.v1alpha."
    for service in file.service:
        for method in service.method:
            method.input_type = method.input_type.replace(prefix, ".grpc.reflection.v1.")
            method.output_type = method.output_type.replace(prefix, ".grpc.reflection.v1.")
    for message in file.message_type:
        for field in (f for f in message.field if f.HasField("type_name")):
            field.type_name = field.type_name.replace(prefix, ".grpc.reflection.v1.")
    pool.Add(file)


def enable(service_names, server: grpc.aio.Server) -> None:
    """Serve reflection v1alpha and v1 for `service_names` (both reflection names added)."""
    _register_v1_descriptor()
    names = (*service_names, reflection.SERVICE_NAME, V1)
    servicer = reflection.aio.ReflectionServicer(names)
    for package in ("grpc.reflection.v1alpha", "grpc.reflection.v1"):
        handler = grpc.stream_stream_rpc_method_handler(
            servicer.ServerReflectionInfo, request_deserializer=alpha.ServerReflectionRequest.FromString,
            response_serializer=alpha.ServerReflectionResponse.SerializeToString)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
            f"{package}.ServerReflection", {"ServerReflectionInfo": handler}),))
