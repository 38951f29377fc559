from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Pacing(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACING_FAST: _ClassVar[Pacing]
    PACING_REALTIME: _ClassVar[Pacing]

class Payload(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYLOAD_ROTATIONS: _ClassVar[Payload]
    PAYLOAD_KEYPOINTS: _ClassVar[Payload]
    PAYLOAD_BOTH: _ClassVar[Payload]
PACING_FAST: Pacing
PACING_REALTIME: Pacing
PAYLOAD_ROTATIONS: Payload
PAYLOAD_KEYPOINTS: Payload
PAYLOAD_BOTH: Payload

class GenerateRequest(_message.Message):
    __slots__ = ("text", "prompt", "language", "mode", "generator", "payload", "fps", "pacing", "betas", "request_id", "seed", "no_face")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    GENERATOR_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    PACING_FIELD_NUMBER: _ClassVar[int]
    BETAS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    NO_FACE_FIELD_NUMBER: _ClassVar[int]
    text: str
    prompt: str
    language: str
    mode: str
    generator: str
    payload: Payload
    fps: float
    pacing: Pacing
    betas: _containers.RepeatedScalarFieldContainer[float]
    request_id: str
    seed: int
    no_face: bool
    def __init__(self, text: _Optional[str] = ..., prompt: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., generator: _Optional[str] = ..., payload: _Optional[_Union[Payload, str]] = ..., fps: _Optional[float] = ..., pacing: _Optional[_Union[Pacing, str]] = ..., betas: _Optional[_Iterable[float]] = ..., request_id: _Optional[str] = ..., seed: _Optional[int] = ..., no_face: _Optional[bool] = ...) -> None: ...

class Vec3(_message.Message):
    __slots__ = ("x", "y", "z")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...

class Quat(_message.Message):
    __slots__ = ("x", "y", "z", "w")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    W_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    w: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ..., w: _Optional[float] = ...) -> None: ...

class Skeleton(_message.Message):
    __slots__ = ("joint_names", "parents", "rest_offsets")
    JOINT_NAMES_FIELD_NUMBER: _ClassVar[int]
    PARENTS_FIELD_NUMBER: _ClassVar[int]
    REST_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    joint_names: _containers.RepeatedScalarFieldContainer[str]
    parents: _containers.RepeatedScalarFieldContainer[int]
    rest_offsets: _containers.RepeatedCompositeFieldContainer[Vec3]
    def __init__(self, joint_names: _Optional[_Iterable[str]] = ..., parents: _Optional[_Iterable[int]] = ..., rest_offsets: _Optional[_Iterable[_Union[Vec3, _Mapping]]] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("request_id", "language", "language_name", "fps", "generator", "model", "mode", "text", "langgloss", "skeleton", "keypoint_names", "coordinates", "betas", "coverage", "word_reports", "face_names")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    GENERATOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGGLOSS_FIELD_NUMBER: _ClassVar[int]
    SKELETON_FIELD_NUMBER: _ClassVar[int]
    KEYPOINT_NAMES_FIELD_NUMBER: _ClassVar[int]
    COORDINATES_FIELD_NUMBER: _ClassVar[int]
    BETAS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    WORD_REPORTS_FIELD_NUMBER: _ClassVar[int]
    FACE_NAMES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    language: str
    language_name: str
    fps: float
    generator: str
    model: str
    mode: str
    text: str
    langgloss: str
    skeleton: Skeleton
    keypoint_names: _containers.RepeatedScalarFieldContainer[str]
    coordinates: str
    betas: _containers.RepeatedScalarFieldContainer[float]
    coverage: str
    word_reports: _containers.RepeatedScalarFieldContainer[str]
    face_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., language: _Optional[str] = ..., language_name: _Optional[str] = ..., fps: _Optional[float] = ..., generator: _Optional[str] = ..., model: _Optional[str] = ..., mode: _Optional[str] = ..., text: _Optional[str] = ..., langgloss: _Optional[str] = ..., skeleton: _Optional[_Union[Skeleton, _Mapping]] = ..., keypoint_names: _Optional[_Iterable[str]] = ..., coordinates: _Optional[str] = ..., betas: _Optional[_Iterable[float]] = ..., coverage: _Optional[str] = ..., word_reports: _Optional[_Iterable[str]] = ..., face_names: _Optional[_Iterable[str]] = ...) -> None: ...

class Face(_message.Message):
    __slots__ = ("weights", "jaw", "head", "left_eye", "right_eye")
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    JAW_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    LEFT_EYE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_FIELD_NUMBER: _ClassVar[int]
    weights: _containers.RepeatedScalarFieldContainer[float]
    jaw: Quat
    head: Quat
    left_eye: Quat
    right_eye: Quat
    def __init__(self, weights: _Optional[_Iterable[float]] = ..., jaw: _Optional[_Union[Quat, _Mapping]] = ..., head: _Optional[_Union[Quat, _Mapping]] = ..., left_eye: _Optional[_Union[Quat, _Mapping]] = ..., right_eye: _Optional[_Union[Quat, _Mapping]] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ("index", "time_code", "root_translation", "rotations", "keypoints", "confidence", "expression", "face")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TIME_CODE_FIELD_NUMBER: _ClassVar[int]
    ROOT_TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    ROTATIONS_FIELD_NUMBER: _ClassVar[int]
    KEYPOINTS_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    index: int
    time_code: float
    root_translation: Vec3
    rotations: _containers.RepeatedCompositeFieldContainer[Quat]
    keypoints: _containers.RepeatedCompositeFieldContainer[Vec3]
    confidence: _containers.RepeatedScalarFieldContainer[float]
    expression: _containers.RepeatedScalarFieldContainer[float]
    face: Face
    def __init__(self, index: _Optional[int] = ..., time_code: _Optional[float] = ..., root_translation: _Optional[_Union[Vec3, _Mapping]] = ..., rotations: _Optional[_Iterable[_Union[Quat, _Mapping]]] = ..., keypoints: _Optional[_Iterable[_Union[Vec3, _Mapping]]] = ..., confidence: _Optional[_Iterable[float]] = ..., expression: _Optional[_Iterable[float]] = ..., face: _Optional[_Union[Face, _Mapping]] = ...) -> None: ...

class Status(_message.Message):
    __slots__ = ("code", "message", "frames_sent", "time_to_first_frame_s", "total_s", "duration_s")
    class Code(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SUCCESS: _ClassVar[Status.Code]
        WARNING: _ClassVar[Status.Code]
        ERROR: _ClassVar[Status.Code]
    SUCCESS: Status.Code
    WARNING: Status.Code
    ERROR: Status.Code
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FRAMES_SENT_FIELD_NUMBER: _ClassVar[int]
    TIME_TO_FIRST_FRAME_S_FIELD_NUMBER: _ClassVar[int]
    TOTAL_S_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    code: Status.Code
    message: str
    frames_sent: int
    time_to_first_frame_s: float
    total_s: float
    duration_s: float
    def __init__(self, code: _Optional[_Union[Status.Code, str]] = ..., message: _Optional[str] = ..., frames_sent: _Optional[int] = ..., time_to_first_frame_s: _Optional[float] = ..., total_s: _Optional[float] = ..., duration_s: _Optional[float] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("header", "frame", "status")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    FRAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    header: Header
    frame: Frame
    status: Status
    def __init__(self, header: _Optional[_Union[Header, _Mapping]] = ..., frame: _Optional[_Union[Frame, _Mapping]] = ..., status: _Optional[_Union[Status, _Mapping]] = ...) -> None: ...

class ListLanguagesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LanguageInfo(_message.Message):
    __slots__ = ("code", "name", "signllm_name", "data", "label", "note", "models", "aliases")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIGNLLM_NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    signllm_name: str
    data: str
    label: str
    note: str
    models: _containers.RepeatedScalarFieldContainer[str]
    aliases: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., signllm_name: _Optional[str] = ..., data: _Optional[str] = ..., label: _Optional[str] = ..., note: _Optional[str] = ..., models: _Optional[_Iterable[str]] = ..., aliases: _Optional[_Iterable[str]] = ...) -> None: ...

class ListLanguagesResponse(_message.Message):
    __slots__ = ("languages",)
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    languages: _containers.RepeatedCompositeFieldContainer[LanguageInfo]
    def __init__(self, languages: _Optional[_Iterable[_Union[LanguageInfo, _Mapping]]] = ...) -> None: ...

class GetAvatarRequest(_message.Message):
    __slots__ = ("betas", "include_glb")
    BETAS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_GLB_FIELD_NUMBER: _ClassVar[int]
    betas: _containers.RepeatedScalarFieldContainer[float]
    include_glb: bool
    def __init__(self, betas: _Optional[_Iterable[float]] = ..., include_glb: _Optional[bool] = ...) -> None: ...

class GetAvatarResponse(_message.Message):
    __slots__ = ("skeleton", "rest_joints", "body", "glb", "coordinates")
    SKELETON_FIELD_NUMBER: _ClassVar[int]
    REST_JOINTS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    GLB_FIELD_NUMBER: _ClassVar[int]
    COORDINATES_FIELD_NUMBER: _ClassVar[int]
    skeleton: Skeleton
    rest_joints: _containers.RepeatedCompositeFieldContainer[Vec3]
    body: str
    glb: bytes
    coordinates: str
    def __init__(self, skeleton: _Optional[_Union[Skeleton, _Mapping]] = ..., rest_joints: _Optional[_Iterable[_Union[Vec3, _Mapping]]] = ..., body: _Optional[str] = ..., glb: _Optional[bytes] = ..., coordinates: _Optional[str] = ...) -> None: ...
