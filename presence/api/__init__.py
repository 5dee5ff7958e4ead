"""The presence app's HTTP API (DRF): presence heartbeats and typing indicators."""
