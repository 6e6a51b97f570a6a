# Type stub for protoc's grpc module, written by govern: stubs and servicers take any message.
from typing import Any

import grpc
