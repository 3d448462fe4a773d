"""The interfaces over the answering core: CLI, HTTP server and its gate, the chat's helpers."""
