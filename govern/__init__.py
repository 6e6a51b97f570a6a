"""govern: contract-first API governance for OpenAPI, protobuf and AsyncAPI."""

__version__ = "0.1.0"
